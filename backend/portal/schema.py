"""OpenAPI description of the portal's session scheme (drf-spectacular finds it once imported)."""

from drf_spectacular.authentication import SessionScheme


class PartnerSessionScheme(SessionScheme):
    """The session cookie of a person signed in to the portal; unsafe methods need X-CSRFToken."""

    target_class = "backend.portal.authentication.PartnerSessionAuthentication"
