"""Pages where a signed-in person manages their API tokens (to be written)."""

app_name = "api_tokens"
urlpatterns = []
