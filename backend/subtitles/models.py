import uuid

from django.conf import settings
from django.db import models


class SubtitleTrack(models.Model):
    """A programme's timed text in one language: the file as delivered, and its normalised cues."""

    class Kind(models.TextChoices):
        SUBTITLES = "subtitles", "Subtitles (translation of the dialogue)"
        CAPTIONS = "captions", "Captions (for the deaf and hard of hearing)"
        FORCED = "forced", "Forced (foreign dialogue and on-screen text only)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.CASCADE, related_name="subtitle_tracks")
    language = models.CharField(max_length=35, db_index=True, help_text="BCP 47 tag")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUBTITLES)
    label = models.CharField(max_length=100, blank=True, help_text="Name shown in players")

    original_filename = models.CharField(max_length=255)
    original_key = models.CharField(max_length=1024, help_text="The delivered bytes, untouched")
    normalised_key = models.CharField(max_length=1024, help_text="The delivered text decoded to UTF-8")
    source_format = models.CharField(max_length=8)
    encoding = models.CharField(max_length=32)
    frame_rate = models.CharField(max_length=16, blank=True, help_text="e.g. 25 or 30000/1001")
    drop_frame = models.BooleanField(default=False)
    offset_ms = models.IntegerField(default=0)

    # The normalised cues every output format is rendered from: [[start_ms, end_ms, [lines]], ...],
    # with a fourth element {"spans": ..., "settings": ...} on styled or placed cues (subtitles.cue_to_json).
    cues = models.JSONField(default=list)
    cue_count = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["language", "kind", "-created_at"]

    def __str__(self) -> str:
        return f"{self.language} {self.kind} ({self.programme_id})"

    @property
    def owner_id(self) -> int:
        """The partner owning the programme this belongs to (what permission classes compare)."""
        return self.programme.owner_id
