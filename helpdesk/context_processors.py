from django.http import HttpRequest

from helpdesk.incidents.selectors import banners_active


def banners(request: HttpRequest) -> dict:
    """Status banners ("situación del sistema", "mensaje general") on every public page."""
    if request.path.startswith("/admin/"):
        return {}
    return {"banners": banners_active()}
