"""The portal's pages call the API with the person's session, as the CLI calls it with a token."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication


class PartnerSessionAuthentication(SessionAuthentication):
    """DRF's session authentication (CSRF enforced on unsafe methods), with the token's rule that
    the user's partner must be active."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user = result[0]
            if user.partner_id is None or not user.partner.is_active:
                raise exceptions.AuthenticationFailed(_("This account's partner is not active."))
        return result
