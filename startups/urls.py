app_name = "startups"

# Routes are added as the pages of this app are built.
urlpatterns = []
