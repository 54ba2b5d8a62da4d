from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.catalogue.selectors import visible_programmes
from backend.common.languages import InvalidCode, normalise_language_tag
from backend.media.permissions import CanFetchMedia
from backend.partners.permissions import CanEditCatalogue
from backend.subtitles import selectors, services
from backend.subtitles.models import SubtitleTrack
from backend.subtitles.serializers import DownloadQuerySerializer, SubtitleIngestSerializer, SubtitleTrackSerializer
from storage.base import content_disposition


class FormatIsTheFileFormat(DefaultContentNegotiation):
    """`?format=srt` names the subtitle format here, not one of DRF's renderers."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def file_response(download: services.Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = content_disposition(download.filename)
    return response


class ProgrammeSubtitleView(generics.ListCreateAPIView):
    """A programme's subtitle tracks: the owner's editors deliver them; licensees list their languages."""

    serializer_class = SubtitleTrackSerializer
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = None
    permission_classes = [CanEditCatalogue]

    def programme(self):
        return get_object_or_404(visible_programmes(self.request.user.partner), pk=self.kwargs["programme_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SubtitleTrack.objects.none()
        return selectors.fetchable_tracks(self.request.user.partner, self.programme())

    @extend_schema(request=SubtitleIngestSerializer, responses={201: SubtitleTrackSerializer})
    def post(self, request, programme_pk):
        programme = self.programme()
        self.check_object_permissions(request, programme)
        form = SubtitleIngestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        track = services.ingest_track(request.user, programme, **form.validated_data)
        return Response(SubtitleTrackSerializer(track).data, status=status.HTTP_201_CREATED)


class SubtitleTrackViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """One subtitle track; `download/` serves it as SRT, WebVTT, TTML or as delivered."""

    queryset = SubtitleTrack.objects.none()  # for the schema; requests use get_object()
    serializer_class = SubtitleTrackSerializer
    permission_classes = [CanEditCatalogue]

    def get_object(self):
        track = selectors.track_for(self.request.user.partner, self.kwargs["pk"])
        if track is None:
            raise NotFound()
        self.check_object_permissions(self.request, track)
        return track

    def perform_destroy(self, track):
        services.delete_track(self.request.user, track)

    @extend_schema(parameters=[DownloadQuerySerializer], responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], content_negotiation_class=FormatIsTheFileFormat,
            permission_classes=[CanFetchMedia])
    def download(self, request, pk=None):
        """The track as a UTF-8 file with its content type and a file name; each fetch is audited."""
        query = DownloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return file_response(services.render_track(request.user, self.get_object(), query.validated_data["format"]))


class DubbingKitView(APIView):
    """A zip for a dubbing team: subtitles (SRT, WebVTT), dialogue scripts and the M&E stems."""

    permission_classes = [CanFetchMedia]

    @extend_schema(
        parameters=[OpenApiParameter("languages", str, required=True, description="Comma-separated BCP 47 tags",
                                     pattern=r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*(,[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*)*$")],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request, programme_pk):
        programme = get_object_or_404(visible_programmes(request.user.partner), pk=programme_pk)
        self.check_object_permissions(request, programme)
        languages = self._languages(request)
        allowed = selectors.fetchable_languages(request.user.partner, programme)
        if allowed is not None:
            if not allowed:
                raise NotFound()  # no licence: the kit does not exist for this partner
            refused = [language for language in languages if language not in allowed]
            if refused:
                raise PermissionDenied(f"No active licence for: {', '.join(refused)}.", code="not_licensed")
        tracks = list(programme.subtitle_tracks.filter(language__in=languages).select_related("programme"))
        missing = sorted(set(languages) - {track.language for track in tracks})
        if missing:
            raise NotFound(f"No subtitle track in: {', '.join(missing)}.", code="no_subtitles")
        return file_response(services.dubbing_kit(request.user, programme, tracks, languages, request.build_absolute_uri))

    @staticmethod
    def _languages(request) -> list[str]:
        raw = [v.strip() for v in request.query_params.get("languages", "").split(",") if v.strip()]
        if not raw:
            raise ValidationError({"languages": ["Give one or more BCP 47 tags, e.g. ur,ar."]}, code="required")
        try:
            return list(dict.fromkeys(normalise_language_tag(tag) for tag in raw))
        except InvalidCode as exc:
            raise ValidationError({"languages": [str(exc)]}, code="invalid_language")
