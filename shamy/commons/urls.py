from django.urls import path

from shamy.commons import views

app_name = "commons"
urlpatterns = [
    path("", views.index, name="index"),
    path("feed.atom", views.feed, name="feed"),
    path("add/", views.submit, name="submit"),
    path("moderation/", views.moderation, name="moderation"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/file", views.download, name="file"),
    path("<uuid:public_id>/moderate/", views.moderate, name="moderate"),
]
