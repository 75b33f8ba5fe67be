"""Baseline URLs for `make bench`; included by shamy/urls.py only when settings.SHAMY_BENCH is on."""

from django.urls import path

from shamy.home import bench_views

app_name = "bench"
urlpatterns = [
    path("trivial/", bench_views.trivial, name="trivial"),
    path("schools/", bench_views.minimal_school_page, name="schools"),
]
