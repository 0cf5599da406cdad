from django.urls import path

from channels_chat import views

app_name = "chat"
urlpatterns = [
    path("demo/", views.demo, name="demo"),
    path("api/agents/", views.AgentListView.as_view(), name="agents"),
    path(
        "api/agents/<int:agent_id>/capacity/",
        views.AgentCapacityView.as_view(),
        name="agent-capacity",
    ),
    path("api/canned/", views.CannedListView.as_view(), name="canned"),
]
