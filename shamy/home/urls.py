from django.urls import path

from shamy.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
]
