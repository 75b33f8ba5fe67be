from django.urls import path

from shamy.attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.my_sessions, name="my-sessions"),
    path("calendar.ics", views.calendar_mine, name="my-calendar"),
    path("offline-pages.json", views.offline_pages, name="offline-pages"),
    path("schools/<int:school_id>/calendar.ics", views.school_calendar, name="school-calendar"),
    path("programmes/<int:programme_id>/", views.gathering_list, name="gathering-list"),
    path("programmes/<int:programme_id>/new/", views.gathering_create, name="gathering-create"),
    path("programmes/<int:programme_id>/series/new/", views.series_create, name="series-create"),
    path("programmes/<int:programme_id>/report/", views.report, name="report"),
    path("gatherings/<int:gathering_id>/", views.gathering_detail, name="gathering-detail"),
    path("gatherings/<int:gathering_id>/edit/", views.gathering_edit, name="gathering-edit"),
    path("gatherings/<int:gathering_id>/cancel/", views.gathering_cancel, name="gathering-cancel"),
    path("gatherings/<int:gathering_id>/restore/", views.gathering_restore, name="gathering-restore"),
    path("gatherings/<int:gathering_id>/attendance/", views.attendance_take, name="attendance-take"),
    path(
        "gatherings/<int:gathering_id>/attendance/everyone/",
        views.attendance_mark_everyone,
        name="attendance-mark-everyone",
    ),
    path(
        "gatherings/<int:gathering_id>/clear-and-cancel/",
        views.gathering_clear_and_cancel,
        name="gathering-clear-cancel",
    ),
    path("gatherings/<int:gathering_id>/materials/", views.material_upload, name="material-upload"),
    path("gatherings/<int:gathering_id>/recording/", views.recording_set, name="recording-set"),
    path("gatherings/<int:gathering_id>/presentations/", views.presentation_create, name="presentation-create"),
    path("attendance/<int:attendance_id>/mark/", views.attendance_mark, name="attendance-mark"),
    path("gatherings/<int:gathering_id>/expected/", views.expected_add, name="expected-add"),
    path("attendance/<int:attendance_id>/remove/", views.expected_remove, name="expected-remove"),
    path("materials/<int:material_id>/", views.material_download, name="material-download"),
    path("presentations/<int:presentation_id>/feedback/", views.feedback_create, name="feedback-create"),
]
