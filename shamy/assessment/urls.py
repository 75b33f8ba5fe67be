from django.urls import path

from shamy.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine/", views.submission_list_own, name="own-list"),
    path("projects/<int:project_id>/submit/", views.submission_submit, name="submit"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:submission_id>/assess/", views.assess, name="assess"),
    path("files/<int:file_id>/", views.submission_file, name="submission-file"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path("programmes/<int:programme_id>/moderation/", views.moderation, name="moderation"),
    path("moderations/<int:moderation_id>/mark/", views.moderation_mark, name="moderation-mark"),
    path("moderations/<int:moderation_id>/decide/", views.moderation_decide, name="moderation-decide"),
]
