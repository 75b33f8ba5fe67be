"""The site's URLs plus the bench baselines, as `make bench` serves them with SHAMY_BENCH=1."""

from django.urls import include, path

from shamy.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *[pattern for pattern in site_urlpatterns if getattr(pattern, "namespace", None) != "bench"],
    path("bench/", include("shamy.home.bench_urls")),
]
