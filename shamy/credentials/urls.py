from django.urls import path

from shamy.credentials import views

app_name = "credentials"
urlpatterns = [
    path("verify/<str:number>/", views.verify, name="verify"),
    path("credentials/certification/", views.certification, name="certification"),
    path("credentials/certificates/", views.certificate_list, name="certificate-list"),
    path("credentials/certificates/<str:number>/pdf/", views.certificate_pdf_download, name="certificate-pdf"),
    path("credentials/certificates/<str:number>/credential.json", views.credential_json, name="credential-json"),
    path("credentials/certificates/<str:number>/revoke/", views.certificate_revoke, name="certificate-revoke"),
    path("credentials/cohorts/<int:cohort_id>/runs/", views.run_start, name="run-start"),
    path("credentials/runs/<uuid:public_id>/", views.run_detail, name="run-detail"),
    path("credentials/runs/<uuid:public_id>/certificates.zip", views.run_download, name="run-download"),
    path("credentials/issuers/<slug:slug>/", views.issuer_document, name="issuer"),
    path("credentials/issuers/<slug:slug>/keys/<str:key>", views.issuer_key_document, name="issuer-key"),
    path("credentials/status/<uuid:public_id>/", views.status_list, name="status-list"),
]
