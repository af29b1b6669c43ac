app_name = "portal"

# Routes are added as the portal pages are built.
urlpatterns = []
