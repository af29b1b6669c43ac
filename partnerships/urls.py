app_name = "partnerships"

# Routes are added as the pages of this app are built.
urlpatterns = []
