from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.common.health import task_queue
from backend.media.models import Asset, Upload
from backend.media.uploads import Transfer

SHA256_HEX = r"^[0-9a-fA-F]{64}$"
MD5_HEX = r"^[0-9a-fA-F]{32}$"


class UploadCreateSerializer(serializers.Serializer):
    filename = serializers.CharField(max_length=255, help_text="Shown to people; the storage key is built by the server")
    size = serializers.IntegerField(min_value=1, help_text="Bytes")
    content_type = serializers.CharField(max_length=255, default="application/octet-stream")
    sha256 = serializers.RegexField(SHA256_HEX, required=False, default="", help_text="Hex SHA-256 of the whole file")

    def validate_sha256(self, value: str) -> str:
        return value.lower()


class CompletedPartSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=10_000)
    md5 = serializers.RegexField(MD5_HEX, help_text="Hex MD5 the client computed from its file")


class UploadCompleteSerializer(serializers.Serializer):
    sha256 = serializers.RegexField(SHA256_HEX, required=False, default="")
    parts = CompletedPartSerializer(many=True, required=False, max_length=10_000,
                                    help_text="Each part's MD5, so a part changed on the way is caught")

    def validate_sha256(self, value: str) -> str:
        return value.lower()

    def validate_parts(self, parts: list[dict]) -> list[dict]:
        numbers = [part["number"] for part in parts]
        if len(set(numbers)) != len(numbers):
            raise serializers.ValidationError("Each part number may appear once.", code="duplicate_part")
        return parts

    def part_md5(self) -> dict[int, str] | None:
        parts = self.validated_data.get("parts")
        return None if parts is None else {part["number"]: part["md5"].lower() for part in parts}


class AssetQueueSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["queued"], help_text="Sent to a queue, waiting for a worker to take it up")
    queued_at = serializers.DateTimeField()
    name = serializers.CharField(help_text="The queue it waits in (media.long: transcodes)")
    depth = serializers.IntegerField(allow_null=True, help_text="Jobs waiting in that queue, this one included")
    workers = serializers.IntegerField(allow_null=True, help_text="Live workers consuming that queue (0: none runs)")


class AssetSerializer(serializers.ModelSerializer):
    # Null for what the pipeline made, and once the user is deleted.
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)
    # Blank on assets without a role (only audio tracks have one).
    role = serializers.ChoiceField(choices=Asset.Role.choices, read_only=True, allow_blank=True)
    sha256_verified = serializers.BooleanField(read_only=True)
    queue = serializers.SerializerMethodField(
        help_text="While an uploaded source waits for a worker: where it waits and how busy that queue is; else null"
    )

    class Meta:
        model = Asset
        fields = [
            "id", "programme", "kind", "parent", "original_filename", "content_type", "size", "sha256",
            "sha256_verified", "state", "state_reason", "progress", "attempts", "state_changed_at", "language",
            "role", "technical", "qc_report", "created_by", "created_at", "queue",
        ]
        read_only_fields = fields

    @extend_schema_field(AssetQueueSerializer(allow_null=True))
    def get_queue(self, asset: Asset) -> dict | None:
        if asset.state != Asset.State.UPLOADED or asset.queued_at is None:
            return None
        try:
            queue = task_queue("media.process_asset")
        except Exception:  # the broker is away: say where it waits, not how busy
            queue = {"name": None, "depth": None, "workers": None}
        return {"status": "queued", "queued_at": asset.queued_at, **queue}


class PartTargetSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    headers = serializers.DictField(child=serializers.CharField(), default=dict)

    def get_url(self, target) -> str:
        # Filesystem-store URLs are paths on this API: made absolute for the host the client used.
        request = self.context.get("request")
        return request.build_absolute_uri(target.url) if request else target.url


class ReceivedPartSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    etag = serializers.CharField()


class UploadSerializer(serializers.ModelSerializer):
    """An upload, and while it is open the parts received and signed URLs for missing ones.

    Pass the :class:`~backend.media.uploads.Transfer` as ``context["transfer"]``. ``parts`` holds
    URLs for at most ``UPLOAD_PART_URLS_PER_RESPONSE`` missing parts; ask again for the rest.
    """

    parts = serializers.SerializerMethodField()
    received = serializers.SerializerMethodField()
    parts_missing = serializers.SerializerMethodField()
    asset = AssetSerializer(read_only=True)

    class Meta:
        model = Upload
        fields = [
            "id", "programme", "filename", "size", "content_type", "sha256", "state", "failure_reason",
            "part_size", "part_count", "parts_missing", "parts", "received", "asset", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def _transfer(self) -> Transfer | None:
        return self.context.get("transfer")

    @extend_schema_field(PartTargetSerializer(many=True))
    def get_parts(self, upload) -> list[dict]:
        transfer = self._transfer()
        return PartTargetSerializer(transfer.targets, many=True, context=self.context).data if transfer else []

    @extend_schema_field(ReceivedPartSerializer(many=True))
    def get_received(self, upload) -> list[dict]:
        transfer = self._transfer()
        return ReceivedPartSerializer(transfer.received, many=True).data if transfer else []

    def get_parts_missing(self, upload) -> int:
        transfer = self._transfer()
        return transfer.missing if transfer else 0


class DownloadLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()
