"""IATI 2.03 activity XML of public activities (to be written)."""

urlpatterns = []
