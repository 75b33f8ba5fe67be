from django.urls import path

from shamy.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("regions/<int:region_id>/", views.region_detail, name="region-detail"),
    path("export/<slug:panel>.<slug:fmt>", views.export, name="export"),
    path("indicators/", views.indicator_definitions, name="indicator-list"),
    path("indicators/new/", views.indicator_create_view, name="indicator-create"),
    path("gaps/", views.gaps, name="gaps"),
    path("need/", views.need_ranking, name="need"),
    path("need/scenarios/", views.scenario_save, name="scenario-save"),
    path("need/s/<str:token>/", views.scenario_shared, name="scenario-shared"),
    path("targets/", views.target_list, name="targets"),
    path("settings/", views.settings_edit, name="settings"),
    path("brief.pdf", views.brief, name="brief"),
    path("public/", views.public_dashboard, name="public"),
    path("public/export/<slug:panel>.<slug:fmt>", views.public_export, name="public-export"),
]
