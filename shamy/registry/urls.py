from django.urls import path

from shamy.registry import views

app_name = "registry"
urlpatterns = [
    path("regions/", views.region_list, name="region-list"),
    path("regions/<int:region_id>/", views.region_detail, name="region-detail"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/<int:school_id>/", views.school_detail, name="school-detail"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
]
