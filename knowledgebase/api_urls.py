from django.urls import path

from knowledgebase import api

app_name = "kb-api"
urlpatterns = [
    path("search/", api.SearchApi.as_view(), name="search"),
    path("deflections/", api.DeflectionApi.as_view(), name="deflections"),
    path("articles/<slug:slug>/feedback/", api.FeedbackApi.as_view(), name="feedback"),
]
