from django.urls import path

from shamy.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("new/", views.programme_create, name="programme-create"),
    path("<int:programme_id>/", views.programme_detail, name="programme-detail"),
    path("<int:programme_id>/cohorts/new/", views.cohort_create, name="cohort-create"),
    path("<int:programme_id>/attendance-marking/", views.programme_marking, name="programme-marking"),
    path("<int:programme_id>/stages/new/", views.stage_create, name="stage-create"),
    path("stages/<int:stage_id>/edit/", views.stage_edit, name="stage-edit"),
    path("<int:programme_id>/invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort-detail"),
    path("cohorts/<int:cohort_id>/schools/add/", views.cohort_school_add, name="cohort-school-add"),
    path("cohorts/<int:cohort_id>/link-facilitators/", views.link_assign, name="link-assign"),
    path(
        "cohort-schools/<int:cohort_school_id>/invite-staff/",
        views.cohort_school_invite_staff,
        name="cohort-school-invite-staff",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
