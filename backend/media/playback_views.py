"""The signed HLS playback endpoint: /api/v1/playback/<token>/<path>. The token is the grant."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

import subtitles as library
from backend.media import playback, selectors
from backend.media.models import Asset
from backend.partners.models import Partner
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
        asset_id, partner_id = playback.read_token(token)
    except playback.PlaybackDenied as denied:
        raise PermissionDenied(denied.detail, code=denied.code) from None
    partner = Partner.objects.filter(pk=partner_id, is_active=True).first()
    asset = (
        selectors.visible_assets(partner).filter(pk=asset_id, kind=Asset.Kind.HLS).select_related("parent").first()
        if partner else None
    )
    if asset is None:  # unknown, or no longer licensed to this partner
        raise NotFound()
    if path == playback.MASTER:
        tracks = subtitle_selectors.fetchable_tracks(partner, asset.programme)  # names only, no cues
        return HttpResponse(playback.master_playlist(asset, list(tracks)), content_type=PLAYLIST)
    if path.startswith("subtitles/"):
        tracks = list(subtitle_selectors.fetchable_tracks(partner, asset.programme).defer(None))
        return _subtitles(asset, tracks, path.removeprefix("subtitles/"))
    if path.endswith(".m3u8"):
        text = playback.read_playlist(asset, path)
        if text is None:
            raise NotFound()
        return HttpResponse(text, content_type=PLAYLIST)
    url = playback.media_url(asset, path)
    if url is None:
        raise NotFound()
    return HttpResponseRedirect(request.build_absolute_uri(url))


def _subtitles(asset: Asset, tracks, name: str) -> HttpResponse:
    track_id, _, extension = name.partition(".")
    track = next((track for track in tracks if str(track.pk) == track_id), None)
    if track is None:
        raise NotFound()
    if extension == "m3u8":
        duration = playback.programme_duration(asset, tracks)
        return HttpResponse(playback.subtitle_playlist(track, duration), content_type=PLAYLIST)
    if extension == "vtt":
        return HttpResponse(library.render(as_library_track(track), "vtt"), content_type="text/vtt; charset=utf-8")
    raise NotFound()
