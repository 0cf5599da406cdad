from django.urls import path

app_name = "kb"
urlpatterns: list = []
_ = path
