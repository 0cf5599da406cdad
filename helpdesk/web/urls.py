from django.contrib.auth import views as auth_views
from django.urls import path

from helpdesk.web import views_agent, views_files, views_public

app_name = "helpdesk"
urlpatterns = [
    path("", views_public.home, name="home"),
    path("enviado/<str:token>/", views_public.contact_done, name="contact-done"),
    path("seguimiento/<str:token>/", views_public.tracking, name="tracking"),
    path(
        "seguimiento/<str:token>/adjuntos/<int:pk>/",
        views_files.customer_attachment,
        name="tracking-attachment",
    ),
    path("agent/adjuntos/<int:pk>/", views_files.agent_attachment, name="agent-attachment"),
    path("login/", auth_views.LoginView.as_view(template_name="helpdesk/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("agent/", views_agent.agent_home, name="agent-home"),
    path("agent/lote/", views_agent.agent_bulk, name="agent-bulk"),
    path("agent/tickets/<str:reference>/", views_agent.agent_ticket, name="agent-ticket"),
    path("agent/tickets/<str:reference>/reply/", views_agent.agent_reply, name="agent-reply"),
    path("agent/tickets/<str:reference>/update/", views_agent.agent_update, name="agent-update"),
    path(
        "agent/tickets/<str:reference>/messages/<int:seq>/resend/",
        views_agent.agent_message_resend,
        name="agent-message-resend",
    ),
]
