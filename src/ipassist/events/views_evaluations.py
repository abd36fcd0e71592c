urlpatterns = []  # filled in by the evaluation pages
