"""HLS playback of private media: signed playlist URLs that web players on any origin can follow.

A playback URL carries a signed token naming the HLS asset, the user and the API token that asked
for it (knox's ``token_key``). Every playlist request checks again that this API token still exists,
that its user and partner are active, that the user's role may fetch media and that the partner
still sees the asset: revoking the token, deactivating the user or the end of a licence stops
playback at the next playlist request, not when the link expires.

Playlists are served under the token so their relative URIs resolve. Variant playlists are
rewritten on every request to name the store's own signed media URLs (S3 presigned, or the
filesystem store's signed URLs), so segments go straight to the store with no redirect per
segment. Those URLs live a few minutes beyond the variant's duration, and each request writes new
ones. The subtitle tracks the user may fetch are added to the master playlist as WebVTT renditions,
each carrying an ``X-TIMESTAMP-MAP`` that puts its cues on the ladder's timeline.
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass

import langcodes
from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from backend.media.models import Asset
from backend.partners.models import User
from backend.storage import get_storage
from backend.subtitles.models import SubtitleTrack

SALT = "backend.media.playback"
MASTER = "master.m3u8"
SUBTITLE_GROUP = "subs"
MPEG_TS_CLOCK = 90_000  # Hz: the clock of X-TIMESTAMP-MAP's MPEGTS (RFC 8216 section 3.5)
# A URI attribute (EXT-X-MAP) or a URI line of a media playlist (RFC 8216 section 4.1).
_URI_ATTRIBUTE = re.compile(r'URI="([^"]+)"')


class PlaybackDenied(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Grant:
    """What a playback token says: this asset, for this user, on behalf of this API token
    (None when no API token asked for it, e.g. a session: then the user's checks alone apply)."""

    asset_id: str
    user_id: int
    token_key: str | None


def playback_path(asset: Asset, user: User, api_token: AuthToken | None) -> str:
    grant = {"asset": str(asset.pk), "user": user.pk, "key": api_token.token_key if api_token else None}
    token = signing.dumps(grant, salt=SALT, compress=True)
    return reverse("playback", kwargs={"token": token, "path": MASTER})


def read_token(token: str) -> Grant:
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PLAYBACK_URL_EXPIRY)
    except signing.SignatureExpired:
        raise PlaybackDenied("signature_expired", "This playback link has expired; ask the API for a new one.")
    except signing.BadSignature:
        raise PlaybackDenied("signature_invalid", "This playback link is not valid.")
    if not {"asset", "user", "key"} <= data.keys():  # a link made before links named their API token
        raise PlaybackDenied("signature_invalid", "This playback link is not valid; ask the API for a new one.")
    return Grant(data["asset"], data["user"], data["key"])


def grant_holder(grant: Grant) -> User:
    """The user of the grant, if the API token that issued it still stands (not revoked or expired)
    and the user and partner are active: what authentication checks on every API request."""
    user = User.objects.filter(pk=grant.user_id, is_active=True, partner__is_active=True).select_related(
        "partner").first()
    live_tokens = AuthToken.objects.filter(token_key=grant.token_key, user_id=grant.user_id).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
    if user is None or (grant.token_key is not None and not live_tokens.exists()):
        raise PlaybackDenied("playback_revoked",
                             "The API token that made this playback link was revoked; ask the API for a new one.")
    return user


def object_key(asset: Asset, path: str) -> str | None:
    """The storage key of a file of this HLS package, or None if `path` leaves the package."""
    base = posixpath.dirname(asset.storage_key)
    key = posixpath.normpath(posixpath.join(base, path))
    return key if key.startswith(base + "/") and ".." not in path.split("/") else None


def media_url(asset: Asset, path: str, expires_in: int) -> str | None:
    key = object_key(asset, path)
    return get_storage().download_url(key, expires_in, posixpath.basename(key)) if key else None


def read_playlist(asset: Asset, path: str) -> str | None:
    key = object_key(asset, path)
    if key is None:
        return None
    with get_storage().open(key) as stream:
        return stream.read().decode("utf-8")


def variant_playlist(asset: Asset, path: str, absolute) -> str | None:
    """The stored media playlist with every media URI replaced by the store's signed URL.

    ``absolute`` makes a URL absolute (the request's ``build_absolute_uri``): the filesystem store
    signs paths on the API. The URLs outlive the playlist's duration by PLAYBACK_MEDIA_URL_EXPIRY,
    since a VOD player reads a playlist once and fetches its last segment near the end.
    """
    text = read_playlist(asset, path)
    if text is None:
        return None
    duration = sum(float(value) for value in re.findall(r"^#EXTINF:([0-9.]+)", text, flags=re.M))
    expires_in = settings.PLAYBACK_MEDIA_URL_EXPIRY + math.ceil(duration)
    folder = posixpath.dirname(path)
    signed: dict[str, str] = {}  # single-file ladders name one file in every segment: sign it once

    def sign(uri: str) -> str:
        if uri not in signed:
            url = media_url(asset, posixpath.join(folder, uri), expires_in)
            if url is None:
                raise PlaybackDenied("invalid_playlist", "The playlist names a file outside its package.")
            signed[uri] = absolute(url)
        return signed[uri]

    lines = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MAP:"):
            line = _URI_ATTRIBUTE.sub(lambda match: f'URI="{sign(match[1])}"', line)
        elif line and not line.startswith("#"):
            line = sign(line)
        lines.append(line)
    return "\n".join(lines) + "\n"


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


def timed_for_ladder(vtt: str, asset: Asset) -> str:
    """The WebVTT file with an X-TIMESTAMP-MAP putting cue time 0 at the ladder's first picture.

    Cues are timed on the programme's timeline, which starts at 0; the ladder's presentation
    timeline starts later (B-frame delay of the encoder, AAC priming), 80 ms at 25 fps on the
    default preset. Without the map players show every cue that much early. RFC 8216 section 3.5.
    """
    start = ladder_start(asset)
    if start is None:  # a ladder transcoded before renditions recorded their start
        return vtt
    header, _, rest = vtt.partition("\n")
    mpegts = round(start * MPEG_TS_CLOCK)
    return f"{header}\nX-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000\n{rest}"


def ladder_start(asset: Asset) -> float | None:
    """The first presentation time of the ladder's video (probed from its media when it was made)."""
    renditions = (asset.technical or {}).get("renditions", [])
    starts = [r["start_time"] for r in renditions if r.get("kind") == "video" and r.get("start_time") is not None]
    return min(starts) if starts else None


def programme_duration(asset: Asset, tracks: list[SubtitleTrack]) -> float:
    source_duration = (asset.parent.technical or {}).get("duration") if asset.parent_id else None
    last_cue = max((cue[1] for track in tracks for cue in track.cues), default=0) / 1000
    return float(source_duration or last_cue or 1.0)
