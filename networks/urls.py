app_name = "networks"

# Routes are added as the pages of this app are built.
urlpatterns = []
