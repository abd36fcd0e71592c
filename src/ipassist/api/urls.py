"""The JSON API under /api/ (to be written)."""

urlpatterns = []
