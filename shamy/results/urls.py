from django.urls import path

from shamy.results import views

app_name = "results"
urlpatterns = [
    path("", views.programme_index, name="index"),
    path("programme/<int:programme_id>/", views.programme_results, name="programme"),
    path("programme/<int:programme_id>/indicators/", views.indicator_add, name="indicator-add"),
    path("indicators/<int:indicator_id>/delete/", views.indicator_remove, name="indicator-delete"),
    path("programme/<int:programme_id>/report.pdf", views.report_pdf, name="report-pdf"),
    path("programme/<int:programme_id>/report.<str:fmt>", views.report_export, name="report-export"),
    path("programme/<int:programme_id>/reports/", views.report_request_view, name="report-request"),
    path("reports/<int:report_id>/", views.report_download, name="report-download"),
]
