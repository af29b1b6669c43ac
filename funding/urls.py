app_name = "funding"

# Routes are added as the pages of this app are built.
urlpatterns = []
