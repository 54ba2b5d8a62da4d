import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Genre(models.Model):
    """A controlled genre vocabulary, so partners filter on the same words."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.JSONField(default=dict, help_text="Localised names keyed by BCP 47 tag")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Programme(models.Model):
    class Kind(models.TextChoices):
        ONE_OFF = "one_off", "One-off programme or documentary"
        SERIES = "series", "Series"
        SEASON = "season", "Season of a series"
        EPISODE = "episode", "Episode"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    # UUIDs, so identifiers say nothing about other partners' catalogues.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="programmes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ONE_OFF)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Season or episode number")

    # Localised text keyed by BCP 47 tags: {"en": "...", "zh-Hans": "...", "ur": "..."}.
    title = models.JSONField(default=dict)
    synopsis = models.JSONField(default=dict, blank=True)
    keywords = models.JSONField(default=dict, blank=True, help_text="Lists of keywords keyed by BCP 47 tag")

    original_language = models.CharField(max_length=35, db_index=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="programmes")
    production_year = models.PositiveSmallIntegerField(
        null=True, blank=True, db_index=True, validators=[MinValueValidator(1880), MaxValueValidator(2100)]
    )
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    countries = models.JSONField(default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes")
    credits = models.JSONField(default=list, blank=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["owner", "state"])]

    def __str__(self) -> str:
        return next(iter(self.title.values()), str(self.id))

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class CoProducer(models.Model):
    """A partner's share in a co-production (shares of one programme total at most 100 %)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="coproducers")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="coproductions")
    share = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        ordering = ["-share", "partner__code"]
        constraints = [models.UniqueConstraint(fields=["programme", "partner"], name="one_share_per_partner")]
