app_name = "members"

# Routes are added as the pages of this app are built.
urlpatterns = []
