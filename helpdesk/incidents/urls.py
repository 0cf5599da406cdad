from django.urls import path

from helpdesk.incidents import views

app_name = "status"
urlpatterns = [
    path("", views.status, name="status"),
    path("tickets/<str:reference>/incident/", views.ticket_incident, name="ticket-incident"),
]
