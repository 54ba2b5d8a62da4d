from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

partner_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{1,15}$",
    "A partner code is 2-16 upper-case letters, digits, '-' or '_' (e.g. PTV, CCTV).",
    code="invalid_partner_code",
)


class Partner(models.Model):
    """A broadcaster organisation taking part in the exchange."""

    code = models.CharField(max_length=16, unique=True, validators=[partner_code_validator])
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    EDITOR = "editor", "Editor (uploads and metadata)"
    LICENSING = "licensing", "Licensing manager"
    DUBBING = "dubbing", "Dubbing team"
    VIEWER = "viewer", "Viewer"


# Roles that may change the partner's catalogue.
CATALOGUE_WRITERS = frozenset({Role.ADMIN, Role.EDITOR})
# Roles that may offer rights, request licences and decide on requests.
LICENSING_ROLES = frozenset({Role.ADMIN, Role.LICENSING})
# Viewers browse the catalogue; fetching masters, timed text and kits is work for the others.
MEDIA_FETCHERS = frozenset({Role.ADMIN, Role.EDITOR, Role.LICENSING, Role.DUBBING})


class User(AbstractUser):
    """A person or system account acting for exactly one partner."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="users", null=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    @property
    def can_edit_catalogue(self) -> bool:
        return self.role in CATALOGUE_WRITERS

    @property
    def can_fetch_media(self) -> bool:
        return self.role in MEDIA_FETCHERS

    @property
    def is_partner_admin(self) -> bool:
        return self.role == Role.ADMIN
