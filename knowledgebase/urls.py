from django.urls import path, register_converter

from knowledgebase import views
from knowledgebase.converters import AreaConverter

register_converter(AreaConverter, "area")

app_name = "kb"
urlpatterns = [
    path("", views.kb_index, name="index"),
    path("buscar/", views.kb_search_page, name="search"),
    path("figures/", views.kb_figures_page, name="figures"),
    path("<area:area>/", views.kb_area, name="area"),
    path("<slug:slug>/", views.kb_article, name="article"),
    path("<slug:slug>/opinion/", views.kb_feedback, name="feedback"),
]
