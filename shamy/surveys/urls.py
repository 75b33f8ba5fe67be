from django.urls import path

from shamy.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_index, name="survey-list"),
    path("programme/<int:programme_id>/new/", views.survey_create_view, name="survey-create"),
    path("<int:survey_id>/", views.survey_detail, name="survey-detail"),
    path("<int:survey_id>/edit/", views.survey_edit_view, name="survey-edit"),
    path("<int:survey_id>/questions/", views.question_add_view, name="question-add"),
    path("questions/<int:question_id>/edit/", views.question_edit_view, name="question-edit"),
    path("questions/<int:question_id>/move/", views.question_move_view, name="question-move"),
    path("questions/<int:question_id>/delete/", views.question_delete_view, name="question-delete"),
    path("<int:survey_id>/status/", views.survey_status_view, name="survey-status"),
    path("<int:survey_id>/post/", views.survey_post_create_view, name="survey-post-create"),
    path("<int:survey_id>/remind/", views.survey_remind_view, name="survey-remind"),
    path("<int:survey_id>/respond/", views.respond, name="respond"),
    path("public/<str:token>/", views.public_respond, name="public-respond"),
    path("<int:survey_id>/results/", views.results, name="results"),
    path("<int:survey_id>/results.<str:fmt>", views.results_export, name="results-export"),
]
