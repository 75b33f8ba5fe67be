from django.urls import path

from shamy.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine/", views.submission_list_own, name="own-list"),
    path("projects/<int:project_id>/submit/", views.submission_submit, name="submit"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:submission_id>/assess/", views.assess, name="assess"),
]
