"""Middleware for the portal's pages only: the API keeps English details and its own headers."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIXES = ("/api/", "/healthz", "/readyz")


def is_portal_path(path: str) -> bool:
    return not path.startswith(API_PREFIXES)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's language choice (the set_language cookie, else Accept-Language), for people's pages.

    API details stay in English: clients act on the stable `code`, and logs read the same
    whatever the caller's Accept-Language (which the search API uses for its own purpose)."""

    def process_request(self, request):
        if is_portal_path(request.path_info):
            super().process_request(request)
        else:
            # Activated explicitly: a thread's previous request may have been a page in another language.
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def process_response(self, request, response):
        if is_portal_path(request.path_info):
            return super().process_response(request, response)
        return response


def content_security_policy() -> str:
    """Scripts from this origin only, no inline code. Media and part uploads may also go to the
    object store's public endpoint when it is another origin (S3)."""
    store = settings.OBJECT_STORAGE.get("OPTIONS", {})
    origins = " ".join(filter(None, [store.get("public_endpoint_url") or store.get("endpoint_url")]))
    extra = f" {origins}" if origins else ""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data:{extra}",
        # hls.js feeds the <video> through Media Source Extensions (blob: URLs), gives its native
        # subtitle <track>s an empty data: WebVTT, and runs its worker from blob:.
        f"media-src 'self' blob: data:{extra}",
        "worker-src 'self' blob:",
        f"connect-src 'self'{extra}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on every page of the portal (namespace ``portal``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and "portal" in match.namespaces or getattr(response, "portal_page", False):
            response.setdefault("Content-Security-Policy", content_security_policy())
            response.setdefault("X-Content-Type-Options", "nosniff")
            response.setdefault("Referrer-Policy", "same-origin")
        return response
