"""Assets (a programme's media files) and the multipart uploads that create source assets."""

import uuid

from django.conf import settings
from django.db import models


class Asset(models.Model):
    """A media file of a programme: the uploaded source, or something the pipeline derived from it.

    Every processing step shows its state, a reason when it failed, progress and attempts, so
    nothing is ever "pending forever" without saying why.
    """

    class Kind(models.TextChoices):
        SOURCE = "source", "Source master (as uploaded)"
        RENDITION = "rendition", "MP4 rendition"
        PROXY = "proxy", "Low-resolution preview"
        HLS = "hls", "HLS ladder"
        POSTER = "poster", "Poster image"
        THUMBNAIL = "thumbnail", "Thumbnail image"
        AUDIO = "audio", "Audio track or stem"
        SUBTITLE = "subtitle", "Subtitle track"

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded, waiting for processing"
        PROBING = "probing", "Reading technical metadata"
        TRANSCODING = "transcoding", "Transcoding"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Role(models.TextChoices):
        MAIN = "main", "Main programme mix"
        MUSIC_AND_EFFECTS = "music_and_effects", "Music and effects (M&E) for dubbing"
        DIALOGUE = "dialogue", "Dialogue stem"
        AUDIO_DESCRIPTION = "audio_description", "Audio description"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="derivatives",
        help_text="The source asset this one was derived from (empty for sources)",
    )
    storage_key = models.CharField(max_length=1024, unique=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True, help_text="Hex; declared by the client until verified")
    sha256_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the stored bytes were hashed and matched; empty while pending"
    )
    technical = models.JSONField(default=dict, blank=True, help_text="Technical metadata (ffprobe)")

    state = models.CharField(max_length=16, choices=State.choices, default=State.UPLOADED, db_index=True)
    state_reason = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the current step")
    attempts = models.PositiveSmallIntegerField(default=0)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    # Touched while a worker makes progress; the sweeper retries work whose heartbeat stopped.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When processing was last sent to a queue (empty: never, or taken up since by a worker).
    queued_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, help_text="The worker that last took it up (hostname)")
    # Raised each time the pipeline plans a run, so tasks of an earlier (cancelled, restarted)
    # run recognise themselves as late and stop; their results are never counted.
    generation = models.PositiveIntegerField(default=0)
    # A chunked run's plan (media.chunks.ChunkPlan.to_dict()); empty for one-pass runs.
    chunk_plan = models.JSONField(default=dict, blank=True)

    language = models.CharField(max_length=35, blank=True, help_text="BCP 47 tag (audio, subtitles)")
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    qc_report = models.JSONField(default=dict, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["programme", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_filename or self.storage_key}"

    @property
    def sha256_verified(self) -> bool:
        return self.sha256_verified_at is not None

    @property
    def owner_id(self) -> int:
        """The partner owning the programme this belongs to (what permission classes compare)."""
        return self.programme.owner_id


# Which states an asset may move to from each state. Failed and cancelled assets may be
# reprocessed (back to uploaded); a ready one too, when the pipeline's settings change.
ASSET_TRANSITIONS: dict[str, frozenset[str]] = {
    Asset.State.UPLOADED: frozenset({Asset.State.PROBING, Asset.State.FAILED, Asset.State.CANCELLED}),
    # Work handed back to the queue (worker lost or stopped, store unreachable) is uploaded again.
    Asset.State.PROBING: frozenset({Asset.State.UPLOADED, Asset.State.TRANSCODING, Asset.State.READY,
                                    Asset.State.FAILED, Asset.State.CANCELLED}),
    Asset.State.TRANSCODING: frozenset({Asset.State.UPLOADED, Asset.State.PROBING, Asset.State.READY,
                                        Asset.State.FAILED, Asset.State.CANCELLED}),
    Asset.State.READY: frozenset({Asset.State.UPLOADED}),
    Asset.State.FAILED: frozenset({Asset.State.UPLOADED}),
    Asset.State.CANCELLED: frozenset({Asset.State.UPLOADED}),
}


class MediaChunk(models.Model):
    """One task of a chunked run (a long source): a time range of the video, a part of the
    programme's audio, or the assembly that waits for all of them.

    The rows are the run's counter: the last video or audio task to finish queues the assembly
    (no Celery chord, which would need a result backend), and the sweeper retries any task whose
    heartbeat stopped.
    """

    class Kind(models.TextChoices):
        VIDEO = "video", "Video of a time range, every rung"
        AUDIO = "audio", "Audio of the whole programme"
        ASSEMBLY = "assembly", "Joining the chunks into the ladder"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for other tasks"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Stopped: its run was cancelled or replaced"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="chunks")
    generation = models.PositiveIntegerField(help_text="The asset's run this task belongs to")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    index = models.PositiveIntegerField(help_text="Chunk number in programme order (audio: its part)")
    part = models.CharField(max_length=16, blank=True, help_text="Audio: which part of the audio work")
    start_seconds = models.FloatField(default=0.0)
    end_seconds = models.FloatField(null=True, blank=True, help_text="Empty: to the end of the source")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    state_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.FloatField(default=0.0, help_text="Percent of this task")
    outputs = models.JSONField(default=list, blank=True, help_text="Storage keys this task wrote")
    worker = models.CharField(max_length=255, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asset", "generation", "kind", "index"]
        constraints = [models.UniqueConstraint(fields=["asset", "generation", "kind", "index"],
                                               name="media_chunk_unique_task")]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.index} of {self.asset_id} (run {self.generation}, {self.state})"


class Upload(models.Model):
    """A multipart upload of one source file, from its creation to its asset (or its end)."""

    class State(models.TextChoices):
        UPLOADING = "uploading", "Waiting for parts"
        COMPLETED = "completed", "Completed"
        ABORTED = "aborted", "Aborted"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey("catalogue.Programme", on_delete=models.PROTECT, related_name="uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255, help_text="The client's file name, as given (display only)")
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Declared by the client when it started")
    storage_key = models.CharField(max_length=1024, unique=True)
    storage_upload_id = models.CharField(max_length=1024)
    part_size = models.BigIntegerField()
    part_count = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.UPLOADING, db_index=True)
    failure_reason = models.TextField(blank=True)
    asset = models.OneToOneField(Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="upload")
    created_at = models.DateTimeField(auto_now_add=True)
    # Refreshed on every call about the upload, so the cleanup spares uploads still in progress.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"upload {self.pk} ({self.state})"

    @property
    def owner_id(self) -> int:
        """The partner owning the programme this belongs to (what permission classes compare)."""
        return self.programme.owner_id
