from django.urls import path

from helpdesk.api import views

urlpatterns = [
    path("auth/token/", views.AuthToken.as_view(), name="api-token"),
    path("tickets/", views.TicketCollection.as_view(), name="api-tickets"),
    path("tickets/<str:reference>/", views.TicketDetail.as_view(), name="api-ticket"),
    path("tickets/<str:reference>/reply/", views.TicketReply.as_view(), name="api-ticket-reply"),
]
