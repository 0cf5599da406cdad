from django.urls import path

from helpdesk.supervisor import views

app_name = "supervisor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reportes/", views.reports, name="reports"),
    path("reportes/csv/", views.report_csv, name="report-csv"),
    path("equipo/", views.team, name="team"),
    path("equipo/<int:user_id>/", views.team_update, name="team-update"),
    path("incidentes/", views.incidents, name="incidents"),
    path("incidentes/<int:incident_id>/cerrar/", views.incident_close_view, name="incident-close"),
    path("incidentes/mensaje-general/", views.general_message, name="general-message"),
]
