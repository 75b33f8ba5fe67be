from django.urls import path

from shamy.offline import views

app_name = "offline"
urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/manifest.<str:language>.webmanifest", views.manifest, name="manifest"),
    path("offline/queue/", views.queue, name="queue"),
]
