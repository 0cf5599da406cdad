from django.urls import path

app_name = "helpdesk"
urlpatterns: list = []
_ = path
