"""Ingest delivered subtitle files, render them in the formats dubbing tools read, build dubbing kits."""

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

import subtitles as library
from backend.audit import services as audit
from backend.catalogue import signals
from backend.catalogue.models import Programme
from backend.common.errors import DomainError
from backend.media.models import Asset
from backend.partners.models import User
from backend.storage import DOWNLOAD_URL_EXPIRY, get_storage
from backend.subtitles.models import SubtitleTrack

CONTENT_TYPES = {
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "ttml": "application/ttml+xml; charset=utf-8",
}
DEFAULT_FRAME_RATE = Fraction(25)


class SubtitleRejected(DomainError):
    """The file cannot be used at all; `line` says where reading stopped."""


@dataclass
class Download:
    content: bytes
    content_type: str
    filename: str


def _read_limited(file: UploadedFile) -> bytes:
    if file.size > settings.SUBTITLE_MAX_BYTES:
        raise SubtitleRejected(
            f"The file is {file.size} bytes; subtitle files may be at most {settings.SUBTITLE_MAX_BYTES}.",
            code="file_too_large",
        )
    return file.read()


def media_duration_ms(programme: Programme) -> int | None:
    """The length of the programme's media, to flag cues past its end."""
    source = programme.assets.filter(kind=Asset.Kind.SOURCE, state=Asset.State.READY).order_by("-created_at").first()
    seconds = (source.technical or {}).get("duration") if source else None
    seconds = seconds or programme.duration_seconds
    return round(float(seconds) * 1000) if seconds else None


def ingest_track(
    actor: User, programme: Programme, *, file: UploadedFile, language: str, kind: str, label: str = "",
    encoding: str | None = None, frame_rate: str | None = None, target_frame_rate: str | None = None,
    offset_ms: int = 0,
) -> SubtitleTrack:
    raw = _read_limited(file)
    try:
        result = library.ingest(
            raw, filename=file.name or "", language=language, declared_encoding=encoding or None,
            frame_rate=frame_rate or None, target_frame_rate=target_frame_rate or None, offset_ms=offset_ms,
            media_duration_ms=media_duration_ms(programme),
        )
    except (ValueError, LookupError) as exc:  # unknown encoding name, frame rate that is not one
        raise SubtitleRejected(str(exc), code="invalid") from exc

    track_id = uuid.uuid4()
    prefix = f"partners/{programme.owner.code}/programmes/{programme.pk}/subtitles/{track_id}"
    suffix = PurePosixPath(file.name or "").suffix.lower()[:10] or f".{result.source_format}"
    storage = get_storage()
    original_key = storage.put_bytes(f"{prefix}/original{suffix}", raw).key
    normalised_key = storage.put_bytes(
        f"{prefix}/normalised.{result.normalised_format}", result.text.encode("utf-8"), "text/plain; charset=utf-8"
    ).key
    rate = result.track.frame_rate
    with transaction.atomic():
        track = SubtitleTrack.objects.create(
            id=track_id, programme=programme, language=language, kind=kind, label=label,
            original_filename=(file.name or "")[:255], original_key=original_key, normalised_key=normalised_key,
            source_format=result.source_format, encoding=result.encoding,
            frame_rate=str(rate) if rate else "", drop_frame=result.track.drop_frame, offset_ms=offset_ms,
            cues=[library.cue_to_json(cue) for cue in result.track.cues],
            cue_count=len(result.track.cues), findings=result.findings, created_by=actor,
        )
        audit.record(actor=actor, partner=actor.partner, action="subtitle.ingested", obj=track,
                     programme=str(programme.pk), language=language, findings=len(result.findings))
        signals.notify_changed(programme)  # subtitle languages are searchable
    return track


def delete_track(actor: User, track: SubtitleTrack) -> None:
    with transaction.atomic():
        audit.record(actor=actor, partner=actor.partner, action="subtitle.deleted", obj=track,
                     programme=str(track.programme_id), language=track.language)
        track.delete()
        signals.notify_changed(track.programme)
    storage = get_storage()
    for key in (track.original_key, track.normalised_key):
        storage.delete(key)


def as_library_track(track: SubtitleTrack) -> library.SubtitleTrack:
    cues = [library.cue_from_json(i, row) for i, row in enumerate(track.cues, start=1)]
    rate = Fraction(track.frame_rate) if track.frame_rate else None
    return library.SubtitleTrack(language=track.language, cues=cues, frame_rate=rate, drop_frame=track.drop_frame)


def _file_stem(track: SubtitleTrack) -> str:
    title = track.programme.title.get(track.language) or next(iter(track.programme.title.values()), "programme")
    return f"{title}.{track.language}.{track.kind}"


def render_track(actor: User, track: SubtitleTrack, output: str) -> Download:
    """The track in `output` (srt, vtt, ttml) or as delivered (original); the fetch is audited."""
    if output == "original":
        with get_storage().open(track.original_key) as stream:
            content = stream.read()
        download = Download(content, "application/octet-stream", track.original_filename or f"{_file_stem(track)}")
    else:
        text = library.render(as_library_track(track), output)
        download = Download(text.encode("utf-8"), CONTENT_TYPES[output], f"{_file_stem(track)}.{output}")
    audit.record(actor=actor, partner=track.programme.owner, action="subtitle.downloaded", obj=track,
                 by_partner=actor.partner.code, format=output, language=track.language)
    return download


def source_frame_rate(programme: Programme) -> Fraction | None:
    """The frame rate of the programme's latest probed source, if any."""
    source = programme.assets.filter(kind=Asset.Kind.SOURCE).exclude(technical={}).order_by("-created_at").first()
    rate = (source.technical or {}).get("frame_rate") if source else None
    return Fraction(rate) if rate else None


def timecode_rate(source_rate: Fraction | None, track: SubtitleTrack | None = None) -> Fraction:
    """Dialogue-list timecodes count frames of the source, else of the track's timing, else 25."""
    if source_rate:
        return source_rate
    if track is not None and track.frame_rate:
        return Fraction(track.frame_rate)
    return DEFAULT_FRAME_RATE


def dubbing_kit(
    actor: User, programme: Programme, tracks: list[SubtitleTrack], languages: list[str],
    absolute_url: Callable[[str], str],
) -> Download:
    """A zip for a dubbing team: per language the tracks in SRT and WebVTT and a dialogue script
    (CSV with frame-accurate timecodes), plus the music & effects stems, and a manifest."""
    buffer = io.BytesIO()
    source_rate = source_frame_rate(programme)
    manifest = {"programme": str(programme.pk), "title": programme.title, "languages": languages,
                "frame_rate": str(timecode_rate(source_rate)), "files": [], "music_and_effects": []}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for track in tracks:
            library_track = as_library_track(track)
            folder = f"{track.language}/{track.kind}"
            for output in ("srt", "vtt"):
                name = f"{folder}/{track.language}.{output}"
                archive.writestr(name, library.render(library_track, output))
                manifest["files"].append(name)
            name = f"{folder}/dialogue-script.{track.language}.csv"
            # A BOM so spreadsheet programs open Arabic and Chinese scripts as UTF-8.
            csv = library.dialogue_csv(library_track, timecode_rate(source_rate, track))
            archive.writestr(name, "\ufeff" + csv)
            manifest["files"].append(name)
        storage = get_storage()
        for stem in programme.assets.filter(kind=Asset.Kind.AUDIO, role=Asset.Role.MUSIC_AND_EFFECTS,
                                            state=Asset.State.READY):
            # Stems can be gigabytes: the kit links them with short-lived signed URLs.
            manifest["music_and_effects"].append({
                "asset": str(stem.pk), "filename": stem.original_filename, "size": stem.size,
                "language": stem.language, "technical": stem.technical,
                "url": absolute_url(storage.download_url(stem.storage_key, DOWNLOAD_URL_EXPIRY,
                                                         stem.original_filename or f"{stem.pk}.wav")),
            })
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    audit.record(actor=actor, partner=programme.owner, action="dubbing_kit.downloaded", obj=programme,
                 by_partner=actor.partner.code, languages=languages)
    title = programme.title.get("en") or next(iter(programme.title.values()), "programme")
    return Download(buffer.getvalue(), "application/zip", f"{title} dubbing kit {'-'.join(languages)}.zip")
