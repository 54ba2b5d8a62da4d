"""Partner, user and token rules shared by the API and the management command."""

from django.db import transaction
from knox.models import AuthToken

from backend.audit import services as audit
from backend.common.errors import Conflict, NotFound
from backend.partners.models import Partner, Role, User


def issue_token(user: User, *, actor: User | None = None) -> tuple[AuthToken, str]:
    """A new API token for `user`. The clear-text key is returned once and stored only hashed."""
    with transaction.atomic():
        instance, key = AuthToken.objects.create(user=user)
        audit.record(
            actor=actor or user,
            partner=user.partner,
            action="token.issued",
            object_type="token",
            object_id=instance.token_key,
            user=user.username,
        )
    return instance, key


def revoke_token(user: User, token_key: str, *, actor: User) -> None:
    with transaction.atomic():
        deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
        if not deleted:
            raise NotFound("No such token.")
        audit.record(
            actor=actor, partner=user.partner, action="token.revoked",
            object_type="token", object_id=token_key, user=user.username,
        )


def create_user(partner: Partner, *, username: str, role: str, actor: User | None) -> tuple[User, str]:
    """A user of `partner` with `role`, and their first token."""
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(f"The username {username!r} is taken.", code="username_taken")
        user = User.objects.create_user(username=username, partner=partner, role=role)
        audit.record(actor=actor or user, partner=partner, action="user.created", obj=user,
                     username=username, role=role)
        _, key = issue_token(user, actor=actor or user)
    return user, key


def create_partner(*, code: str, name: str, country: str, admin_username: str) -> tuple[Partner, User, str]:
    """A partner with its first administrator; returns that administrator's token."""
    with transaction.atomic():
        if Partner.objects.filter(code=code).exists():
            raise Conflict(f"A partner with code {code!r} exists.", code="partner_exists")
        partner = Partner(code=code, name=name, country=country)
        partner.full_clean()
        partner.save()
        admin, key = create_user(partner, username=admin_username, role=Role.ADMIN, actor=None)
        audit.record(actor=admin, partner=partner, action="partner.created", obj=partner, code=code)
    return partner, admin, key
