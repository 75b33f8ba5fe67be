from django.urls import path

from shamy.fellowship import views

app_name = "fellowship"

urlpatterns = [
    path("", views.cohort_list, name="cohort-list"),
    path("vacancies/", views.vacancy_list, name="vacancy-list"),
    path("vacancies/<int:vacancy_id>/edit/", views.vacancy_edit, name="vacancy-edit"),
    path("cohorts/new/", views.cohort_create, name="cohort-create"),
    path("cohorts/<int:cohort_id>/edit/", views.cohort_edit, name="cohort-edit"),
    path("apply/<int:cohort_id>/", views.apply_start, name="apply-start"),
    path("application/<str:token>/", views.apply_edit, name="apply-edit"),
    path("application/<str:token>/withdraw/", views.apply_withdraw, name="apply-withdraw"),
    path("alumni/<str:token>/", views.alumni_survey, name="alumni-survey"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort-detail"),
    path("cohorts/<int:cohort_id>/agreements/", views.agreement_save, name="agreement-save"),
    path("cohorts/<int:cohort_id>/alumni-survey/", views.alumni_survey_send, name="alumni-survey-send"),
    path("cohorts/<int:cohort_id>/trainings/", views.training_schedule, name="training-schedule"),
    path("cohorts/<int:cohort_id>/applications/", views.application_list, name="application-list"),
    path("cohorts/<int:cohort_id>/placement/", views.placement_run, name="placement"),
    path("cohorts/<int:cohort_id>/placement/rules/", views.placement_rule, name="placement-rule"),
    path("cohorts/<int:cohort_id>/placement/rules/<int:rule_id>/delete/", views.rule_delete, name="rule-delete"),
    path("placements/<int:placement_id>/", views.placement_detail, name="placement-detail"),
    path("placements/<int:placement_id>/check-in/", views.placement_check_in, name="placement-check-in"),
    path("placements/<int:placement_id>/visits/", views.placement_visit, name="placement-visit"),
    path("placements/<int:placement_id>/classes/", views.placement_class, name="placement-class"),
    path("placements/<int:placement_id>/leave/", views.placement_leave, name="placement-leave"),
    path("placements/<int:placement_id>/people/", views.placement_people, name="placement-people"),
    path("placements/<int:placement_id>/graduate/", views.placement_graduate, name="placement-graduate"),
    path("applications/<int:application_id>/", views.application_detail, name="application-detail"),
    path("applications/<int:application_id>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:application_id>/score/", views.application_score, name="application-score"),
    path("applications/<int:application_id>/reviewers/", views.review_assign, name="review-assign"),
    path("applications/<int:application_id>/<str:kind>/", views.application_file, name="application-file"),
]
