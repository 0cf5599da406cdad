from django.urls import path

app_name = "kb-api"
urlpatterns: list = []
_ = path
