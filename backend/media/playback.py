"""HLS playback of private media: signed playlist URLs that players can follow without a token.

A playback URL carries a signed, expiring token naming the HLS asset and the partner. Playlists
are served through it so their relative URIs (variants, segments) resolve under the same token;
media files are redirects to the store's own short-lived signed URLs. Access is checked again on
every request, so a licence that ends stops playback. The programme's subtitle tracks that the
partner may fetch are added to the master playlist as WebVTT renditions, so a standard player
shows them, and always the current ones.
"""

from __future__ import annotations

import math
import posixpath

import langcodes
from django.conf import settings
from django.core import signing
from django.urls import reverse

from backend.media.models import Asset
from backend.partners.models import Partner
from backend.storage import DOWNLOAD_URL_EXPIRY, get_storage
from backend.subtitles.models import SubtitleTrack

SALT = "backend.media.playback"
MASTER = "master.m3u8"
SUBTITLE_GROUP = "subs"


class PlaybackDenied(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def playback_path(asset: Asset, partner: Partner) -> str:
    token = signing.dumps({"asset": str(asset.pk), "partner": partner.pk}, salt=SALT, compress=True)
    return reverse("playback", kwargs={"token": token, "path": MASTER})


def read_token(token: str) -> tuple[str, int]:
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PLAYBACK_URL_EXPIRY)
    except signing.SignatureExpired:
        raise PlaybackDenied("signature_expired", "This playback link has expired; ask the API for a new one.")
    except signing.BadSignature:
        raise PlaybackDenied("signature_invalid", "This playback link is not valid.")
    return data["asset"], data["partner"]


def object_key(asset: Asset, path: str) -> str | None:
    """The storage key of a file of this HLS package, or None if `path` leaves the package."""
    base = posixpath.dirname(asset.storage_key)
    key = posixpath.normpath(posixpath.join(base, path))
    return key if key.startswith(base + "/") and ".." not in path.split("/") else None


def media_url(asset: Asset, path: str) -> str | None:
    key = object_key(asset, path)
    return get_storage().download_url(key, DOWNLOAD_URL_EXPIRY, posixpath.basename(key)) if key else None


def read_playlist(asset: Asset, path: str) -> str | None:
    key = object_key(asset, path)
    if key is None:
        return None
    with get_storage().open(key) as stream:
        return stream.read().decode("utf-8")


def master_playlist(asset: Asset, tracks: list[SubtitleTrack]) -> str:
    """The stored master playlist, with a WebVTT subtitle rendition per track."""
    text = read_playlist(asset, MASTER)
    if not tracks:
        return text
    media = [_subtitle_media(track) for track in tracks]
    lines, out, inserted = text.splitlines(), [], False
    for line in lines:
        if line.startswith("#EXT-X-STREAM-INF:"):
            if not inserted:
                out += media
                inserted = True
            line += f',SUBTITLES="{SUBTITLE_GROUP}"'
        out.append(line)
    return "\n".join(out) + "\n"


def _subtitle_media(track: SubtitleTrack) -> str:
    name = track.label or langcodes.Language.get(track.language).display_name(track.language)
    if track.kind != SubtitleTrack.Kind.SUBTITLES:
        name = f"{name} ({track.kind})"
    forced = "YES" if track.kind == SubtitleTrack.Kind.FORCED else "NO"
    characteristics = (',CHARACTERISTICS="public.accessibility.transcribes-spoken-dialog,'
                       'public.accessibility.describes-music-and-sound"'
                       if track.kind == SubtitleTrack.Kind.CAPTIONS else "")
    return (f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{SUBTITLE_GROUP}",NAME="{name.replace(chr(34), "")}",'
            f'LANGUAGE="{track.language}",DEFAULT=NO,AUTOSELECT=YES,FORCED={forced}{characteristics},'
            f'URI="subtitles/{track.pk}.m3u8"')


def subtitle_playlist(track: SubtitleTrack, duration: float) -> str:
    """One WebVTT file covering the whole programme, as a VOD media playlist."""
    return (
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        f"#EXT-X-TARGETDURATION:{max(1, math.ceil(duration))}\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        f"#EXTINF:{duration:.3f},\n{track.pk}.vtt\n#EXT-X-ENDLIST\n"
    )


def programme_duration(asset: Asset, tracks: list[SubtitleTrack]) -> float:
    source_duration = (asset.parent.technical or {}).get("duration") if asset.parent_id else None
    last_cue = max((cue[1] for track in tracks for cue in track.cues), default=0) / 1000
    return float(source_duration or last_cue or 1.0)
