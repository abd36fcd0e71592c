urlpatterns = []  # filled in by the import pages
