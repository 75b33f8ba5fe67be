from django.urls import path

from shamy.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<int:job_id>/commit/", views.job_commit, name="job-commit"),
    path("templates/<slug:kind>.<str:file_format>", views.template_download, name="template"),
]
