"""Error pages: people get a page in their language, API clients the JSON error shape.

A page is for a browser asking for HTML outside /api/; anything else (scripts, API clients, a
mistyped URL fetched with curl) gets the API's JSON error, as before the portal existed."""

from django.shortcuts import render

from backend.common.errors import json_403, json_404, json_500
from backend.portal.middleware import is_portal_path


def wants_page(request) -> bool:
    return is_portal_path(request.path_info) and "text/html" in request.headers.get("Accept", "")


def page_not_found(request, exception=None):
    if not wants_page(request):
        return json_404(request, exception)
    response = render(request, "portal/error.html", {"status": 404}, status=404)
    response.portal_page = True
    return response


def server_error(request):
    if not wants_page(request):
        return json_500(request)
    response = render(request, "portal/error.html", {"status": 500}, status=500)
    response.portal_page = True
    return response


def permission_denied(request, exception=None):
    if not wants_page(request):
        return json_403(request, exception)
    response = render(request, "portal/error.html", {"status": 403, "detail": str(exception or "")}, status=403)
    response.portal_page = True
    return response
