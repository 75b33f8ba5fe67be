from django.urls import path

from shamy.audit import views

app_name = "audit"
urlpatterns = [path("", views.entry_list, name="entry-list")]
