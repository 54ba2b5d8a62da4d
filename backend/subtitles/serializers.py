from rest_framework import serializers

from backend.catalogue.fields import LanguageTagField
from backend.subtitles.models import SubtitleTrack
from subtitles import parse_frame_rate


class SubtitleTrackSerializer(serializers.ModelSerializer):
    programme = serializers.UUIDField(source="programme_id", read_only=True)
    formats = serializers.SerializerMethodField(help_text="Formats /download/ serves")

    class Meta:
        model = SubtitleTrack
        fields = [
            "id", "programme", "language", "kind", "label", "original_filename", "source_format", "encoding",
            "frame_rate", "drop_frame", "offset_ms", "cue_count", "findings", "formats", "created_at",
        ]
        read_only_fields = fields

    def get_formats(self, track) -> list[str]:
        return ["srt", "vtt", "ttml", "original"]


class SubtitleIngestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="SRT, WebVTT, TTML (IMSC 1 / EBU-TT-D), ASS/SSA, SCC or EBU STL, "
                                            "in any common encoding")
    language = LanguageTagField(help_text="BCP 47 tag of the subtitle text, e.g. ur, ar, zh-Hans")
    kind = serializers.ChoiceField(choices=SubtitleTrack.Kind.choices, default=SubtitleTrack.Kind.SUBTITLES)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    encoding = serializers.CharField(
        max_length=32, required=False, allow_blank=True,
        help_text="Override the detected character encoding, e.g. gb18030, cp1256, utf-16",
    )
    frame_rate = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="The rate the file was timed at: 25, 29.97, 30000/1001"
    )
    target_frame_rate = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="Rescale cues to this rate (23.976 ↔ 25)"
    )
    offset_ms = serializers.IntegerField(required=False, default=0, min_value=-86_400_000, max_value=86_400_000)

    def _valid_rate(self, value: str) -> str:
        if value:
            try:
                parse_frame_rate(value)
            except ValueError as exc:
                raise serializers.ValidationError(str(exc), code="invalid_frame_rate") from exc
        return value

    def validate_frame_rate(self, value: str) -> str:
        return self._valid_rate(value)

    def validate_target_frame_rate(self, value: str) -> str:
        return self._valid_rate(value)


class DownloadQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["srt", "vtt", "ttml", "original"], default="srt")
