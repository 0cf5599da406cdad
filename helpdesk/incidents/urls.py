from django.urls import path

app_name = "status"
urlpatterns: list = []  # GET /api/v1/status/ (public banners as JSON)
_ = path
