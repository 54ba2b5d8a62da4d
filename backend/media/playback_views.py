"""The signed HLS playback endpoint: /api/v1/playback/<token>/<path>. The token is the grant.

Web players on other origins fetch these URLs: CORS for them is CorsMiddleware's
(settings.CORS_URLS_REGEX), on these paths and the filesystem store's signed media only.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

import subtitles as library
from backend.media import playback, selectors
from backend.media.models import Asset
from backend.media.permissions import can_fetch_media
from backend.subtitles import selectors as subtitle_selectors
from backend.subtitles.services import as_library_track

PLAYLIST = "application/vnd.apple.mpegurl"


class PlaybackView(APIView):
    """Playlists under the token (so relative URIs resolve), media files as redirects to the store."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]  # for errors; playlists are plain HTTP responses
    schema = None  # reached through the URL of GET /assets/{id}/playback/

    def get(self, request, token: str, path: str) -> HttpResponse:
        return serve(request, token, path)


def serve(request: HttpRequest, token: str, path: str) -> HttpResponse:
    try:
        grant = playback.read_token(token)
        user = playback.grant_holder(grant)
    except playback.PlaybackDenied as denied:
        raise PermissionDenied(denied.detail, code=denied.code) from None
    asset = (selectors.visible_assets(user.partner).filter(pk=grant.asset_id, kind=Asset.Kind.HLS)
             .select_related("parent").first())
    if asset is None:  # unknown, or no longer licensed to this partner
        raise NotFound()
    if not can_fetch_media(user, asset):  # the user's role changed since the link was made
        raise PermissionDenied("Viewers may fetch posters and previews only.", code="role_not_allowed")
    if path == playback.MASTER:
        tracks = subtitle_selectors.fetchable_tracks(user.partner, asset.programme)  # names only, no cues
        return _playlist(playback.master_playlist(asset, list(tracks)))
    if path.startswith("subtitles/"):
        tracks = list(subtitle_selectors.fetchable_tracks(user.partner, asset.programme).defer(None))
        return _subtitles(asset, tracks, path.removeprefix("subtitles/"))
    if path.endswith(".m3u8"):
        try:
            text = playback.variant_playlist(asset, path, request.build_absolute_uri)
        except playback.PlaybackDenied as denied:
            raise NotFound(denied.detail, code=denied.code) from None
        if text is None:
            raise NotFound()
        return _playlist(text)
    # Playlists name the store's URLs; this redirect serves players holding an older playlist.
    url = playback.media_url(asset, path, settings.PLAYBACK_MEDIA_URL_EXPIRY)
    if url is None:
        raise NotFound()
    return HttpResponseRedirect(request.build_absolute_uri(url))


def _playlist(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type=PLAYLIST)
    response["Cache-Control"] = "no-store"  # access is checked, and media URLs signed, per request
    return response


def _subtitles(asset: Asset, tracks, name: str) -> HttpResponse:
    track_id, _, extension = name.partition(".")
    track = next((track for track in tracks if str(track.pk) == track_id), None)
    if track is None:
        raise NotFound()
    if extension == "m3u8":
        duration = playback.programme_duration(asset, tracks)
        return _playlist(playback.subtitle_playlist(track, duration))
    if extension == "vtt":
        vtt = playback.timed_for_ladder(library.render(as_library_track(track), "vtt"), asset)
        return HttpResponse(vtt, content_type="text/vtt; charset=utf-8")
    raise NotFound()
