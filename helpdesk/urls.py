from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/kb/", include("knowledgebase.api_urls")),
    path("api/v1/status/", include("helpdesk.incidents.urls")),
    path("api/v1/", include("helpdesk.api.urls")),
    path("supervisor/", include("helpdesk.supervisor.urls")),
    path("kb/", include("knowledgebase.urls")),
    path("chat/", include("channels_chat.urls")),
    path("", include("helpdesk.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
