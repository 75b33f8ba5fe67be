app_name = "portfolios"
urlpatterns: list = []
