"""OpenAPI description of the portal's session scheme (drf-spectacular finds it once imported)."""

from drf_spectacular.authentication import SessionScheme


class PartnerSessionScheme(SessionScheme):
    target_class = "backend.portal.authentication.PartnerSessionAuthentication"
