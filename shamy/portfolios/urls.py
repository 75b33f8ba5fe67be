from django.urls import path

from shamy.portfolios import views

app_name = "portfolios"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:project_id>/stage/", views.project_stage, name="project-stage"),
    path("projects/<int:project_id>/steps/", views.step_add, name="step-add"),
    path("steps/<int:step_id>/done/", views.step_done, name="step-done"),
    path("projects/<int:project_id>/journal/", views.journal_add, name="journal-add"),
    path("projects/<int:project_id>/feedback/<str:thread>/", views.comment_add, name="comment-add"),
    path("projects/<int:project_id>/endorse/", views.project_endorse, name="project-endorse"),
    path("projects/<int:project_id>/evidence/new/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence-file"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence-delete"),
    path("evidence/<int:evidence_id>/thumbnail/", views.evidence_thumbnail, name="evidence-thumbnail"),
    path("projects/<int:project_id>/portfolio/", views.portfolio_detail, name="portfolio-detail"),
    path("projects/<int:project_id>/portfolio/submit/", views.portfolio_submit, name="portfolio-submit"),
    path("submitted/", views.submitted_list, name="submitted-list"),
    path("sections/<int:section_id>/edit/", views.section_edit, name="section-edit"),
    path("autosave/", views.autosave, name="autosave"),
    path("projects/<int:project_id>/share/", views.project_share, name="project-share"),
    path("boards/", views.board_index, name="board-index"),
    path("cohorts/<int:cohort_id>/board/", views.board, name="board"),
    path("programmes/<int:programme_id>/support/", views.link_overview, name="link-overview"),
    path("programmes/<int:programme_id>/overview/", views.programme_overview, name="programme-overview"),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/<int:theme_id>/edit/", views.theme_edit, name="theme-edit"),
    path("published/", views.public_list, name="public-list"),
    path("published/<uuid:public_id>/", views.public_detail, name="public-detail"),
    path("published/<uuid:public_id>/poster.pdf", views.public_poster, name="public-poster"),
]
