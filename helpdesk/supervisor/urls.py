from django.urls import path

app_name = "supervisor"
urlpatterns: list = []
_ = path
