"""Browser pages of the committees app."""

app_name = "committees"
urlpatterns: list = []
