app_name = "alerts"

# Routes of /portal/alerts/ (saved searches and email preferences).
urlpatterns = []
