from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class PartnerTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with hashed, revocable tokens (django-rest-knox).

    Adds what an exchange needs on top of knox: the user's partner must be active,
    and a garbled header is a 401, never a 500.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if user.partner_id is None or not user.partner.is_active:
            raise exceptions.AuthenticationFailed(_("This account's partner is not active."))
        return user, auth_token
