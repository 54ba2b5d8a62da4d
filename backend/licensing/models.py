"""Rights offers, licence requests and licences.

Offers, requests and licences keep their terms as lists (what the API shows). Offers and
licences are also broken into one row per territory x medium (OfferRight, LicenceRight),
so that avails and the exclusivity invariant are single indexed queries on any database.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Medium(models.TextChoices):
    LINEAR_TV = "linear_tv", "Linear television"
    VOD = "vod", "Video on demand (SVOD, AVOD, TVOD)"
    ONLINE = "online", "Online and social platforms"
    RADIO = "radio", "Radio (sound only)"


class LocalizationType(models.TextChoices):
    """Subtitling and dubbing rights are separate language dimensions (EMA LocalizationType)."""

    SUBTITLE = "subtitle", "Subtitles"
    DUB = "dub", "Dubbing"


class Terms(models.TextChoices):
    FREE_EXCHANGE = "free_exchange", "Free exchange"
    FEE = "fee", "Licence fee"
    BARTER = "barter", "Barter"


class Rights(models.Model):
    """The dimensions shared by an offer, a request and a licence."""

    territories = models.JSONField(default=list, help_text="ISO 3166-1 alpha-2 codes, groups expanded")
    territory_groups = models.JSONField(default=list, blank=True, help_text="Group names the territories came from")
    media = models.JSONField(default=list)
    subtitle_languages = models.JSONField(default=list, blank=True, help_text="BCP 47 tags")
    dub_languages = models.JSONField(default=list, blank=True, help_text="BCP 47 tags")
    window_start = models.DateField()
    window_end = models.DateField(help_text="Last day of the window (inclusive)")

    class Meta:
        abstract = True

    def languages(self, kind: str | None = None) -> set[str]:
        if kind == LocalizationType.SUBTITLE:
            return set(self.subtitle_languages)
        if kind == LocalizationType.DUB:
            return set(self.dub_languages)
        return set(self.subtitle_languages) | set(self.dub_languages)


def _window_is_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name=name)


class RightsOffer(Rights):
    """What a programme's owner offers for exchange."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.CASCADE, related_name="offers")
    exclusivity_allowed = models.BooleanField(default=False)
    terms = models.CharField(max_length=16, choices=Terms.choices, default=Terms.FREE_EXCHANGE)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "window_start", "id"]
        constraints = [_window_is_ordered("offer_window_ordered")]

    @property
    def owner_id(self) -> int:
        """The partner owning the programme this belongs to (what permission classes compare)."""
        return self.programme.owner_id


class OfferRight(models.Model):
    """One territory x medium an offer covers."""

    offer = models.ForeignKey(RightsOffer, on_delete=models.CASCADE, related_name="rights")
    territory = models.CharField(max_length=2)
    medium = models.CharField(max_length=16, choices=Medium.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "territory", "medium"], name="one_offer_right")]
        indexes = [models.Index(fields=["territory", "medium"])]


class OfferLanguage(models.Model):
    offer = models.ForeignKey(RightsOffer, on_delete=models.CASCADE, related_name="language_rows")
    language = models.CharField(max_length=35)
    kind = models.CharField(max_length=8, choices=LocalizationType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "language", "kind"], name="one_offer_language")]
        indexes = [models.Index(fields=["language", "kind"])]


class LicenceRequest(Rights):
    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.CASCADE, related_name="licence_requests")
    # The offer the request fitted when made; approval checks the offers again.
    offer = models.ForeignKey(RightsOffer, on_delete=models.SET_NULL, null=True, related_name="requests")
    requester = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="licence_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    exclusive = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="The owner's reason for the decision")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [_window_is_ordered("request_window_ordered")]

    @property
    def owner_id(self) -> int:
        """The partner owning the programme this belongs to (what permission classes compare)."""
        return self.programme.owner_id


class Licence(Rights):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Approved, window not started"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(LicenceRequest, on_delete=models.PROTECT, related_name="licence")
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.PROTECT, related_name="licences")
    offer = models.ForeignKey(RightsOffer, on_delete=models.SET_NULL, null=True, related_name="licences")
    licensor = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="licences_granted")
    licensee = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="licences")
    exclusive = models.BooleanField(default=False)
    terms = models.CharField(max_length=16, choices=Terms.choices)
    # Refreshed by the periodic task; readers use current_state, which is right even if it has not run.
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED, db_index=True)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [_window_is_ordered("licence_window_ordered")]

    @staticmethod
    def state_on(start: datetime.date, end: datetime.date, day: datetime.date) -> str:
        if day < start:
            return Licence.State.SCHEDULED
        return Licence.State.ACTIVE if day <= end else Licence.State.EXPIRED

    @property
    def current_state(self) -> str:
        return self.state_on(self.window_start, self.window_end, timezone.localdate())


class LicenceRight(models.Model):
    """One territory x medium of a licence, with its window: the rows the invariant is checked on."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="rights")
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.PROTECT, related_name="+")
    territory = models.CharField(max_length=2)
    medium = models.CharField(max_length=16, choices=Medium.choices)
    window_start = models.DateField()
    window_end = models.DateField()
    exclusive = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["programme", "territory", "medium", "window_start"])]
