from django.urls import path

from shamy.operators.views import events as views_events
from shamy.operators.views import training as views

app_name = "operators"
urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:agreement_id>/checklist/<slug:item>/", views.handover_check, name="handover-check"),
    path("agreements/<int:agreement_id>/handover/", views.handover_record, name="handover-record"),
    path("breaks/", views.break_list, name="break-list"),
    path("training/", views.training_home, name="training-home"),
    path("programmes/<int:programme_id>/days/", views.day_list, name="day-list"),
    path("programmes/<int:programme_id>/schedules/new/", views.schedule_create, name="schedule-create"),
    path("programmes/<int:programme_id>/hours/", views.hours, name="hours"),
    path("programmes/<int:programme_id>/cascade/", views.cascade, name="cascade"),
    path("programmes/<int:programme_id>/indicators/", views.indicators, name="indicators"),
    path("days/<int:day_id>/", views.day_detail, name="day-detail"),
    path("days/<int:day_id>/move/", views.day_move, name="day-move"),
    path("days/<int:day_id>/cancel/", views.day_cancel, name="day-cancel"),
    path("days/<int:day_id>/sessions/new/", views.session_create, name="session-create"),
    path("programmes/<int:programme_id>/topics/", views.topics, name="topics"),
    path("programmes/<int:programme_id>/events/new/", views_events.event_create, name="event-create"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/sign-up/", views.session_sign_up, name="session-sign-up"),
    path("sessions/<int:session_id>/withdraw/", views.session_withdraw, name="session-withdraw"),
    path("sessions/<int:session_id>/rate/", views.session_rate, name="session-rate"),
    path("sessions/<int:session_id>/certify/", views.trainer_certify, name="trainer-certify"),
    path("e/<slug:slug>/", views_events.event_public, name="event-public"),
    path("tickets/<str:code>/", views_events.ticket, name="ticket"),
    path("tickets/<str:code>/ticket.pdf", views_events.ticket_pdf, name="ticket-pdf"),
    path("tickets/<str:code>/cancel/", views_events.ticket_cancel, name="ticket-cancel"),
    path("tickets/<str:code>/feedback/", views_events.ticket_feedback, name="ticket-feedback"),
    path("events/<int:event_id>/", views_events.event_detail, name="event-detail"),
    path("events/<int:event_id>/edit/", views_events.event_edit, name="event-edit"),
    path("events/<int:event_id>/sessions/new/", views_events.event_session_create, name="event-session-create"),
    path(
        "events/<int:event_id>/sessions/<int:session_id>/delete/",
        views_events.event_session_delete,
        name="event-session-delete",
    ),
    path("events/<int:event_id>/volunteers/", views_events.volunteers, name="volunteers"),
    path(
        "events/<int:event_id>/volunteers/<int:user_id>/remove/",
        views_events.volunteer_remove,
        name="volunteer-remove",
    ),
    path("events/<int:event_id>/check-in/", views_events.check_in, name="check-in"),
    path("events/<int:event_id>/check-in/manual/", views_events.check_in_manual, name="check-in-manual"),
    path("events/<int:event_id>/check-in/sync/", views_events.check_in_sync, name="check-in-sync"),
]
