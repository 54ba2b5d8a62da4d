"""Upload and asset API. URL design (shallow nesting, since every id is a UUID):

- POST /programmes/{programme_pk}/uploads/   start an upload: id, part size, signed part URLs
- GET /uploads/{id}/                         state, parts received, fresh URLs for missing parts
- POST /uploads/{id}/complete/               check parts, size and SHA-256; create the source asset
- DELETE /uploads/{id}/                      abort and free the parts
- /programmes/{programme_pk}/assets/, /assets/, /assets/{id}/, /assets/{id}/download/
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.audit import services as audit
from backend.catalogue.selectors import visible_programmes
from backend.media import assets, playback, selectors, uploads
from backend.media.models import Asset, Upload
from backend.media.permissions import CanFetchMedia
from backend.media.serializers import (
    AssetSerializer,
    DownloadLinkSerializer,
    UploadCompleteSerializer,
    UploadCreateSerializer,
    UploadSerializer,
)
from backend.partners.permissions import CanEditCatalogue, CanManageUploads
from backend.storage import DOWNLOAD_URL_EXPIRY, get_storage


class ProgrammeUploadView(generics.GenericAPIView):
    """Start uploading a source master of a programme (its owner's editors and administrators)."""

    serializer_class = UploadCreateSerializer

    permission_classes = [CanEditCatalogue]

    @extend_schema(responses={201: UploadSerializer})
    def post(self, request, programme_pk):
        programme = get_object_or_404(visible_programmes(request.user.partner), pk=programme_pk)
        self.check_object_permissions(request, programme)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = uploads.start_upload(request.user, programme, **serializer.validated_data)
        return Response(_upload_body(request, upload), status=status.HTTP_201_CREATED)


class UploadViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    """The partner's uploads. Started under /programmes/{id}/uploads/; other partners' are 404."""

    serializer_class = UploadSerializer
    permission_classes = [CanManageUploads]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Upload.objects.none()
        return selectors.partner_uploads(self.request.user.partner)

    def retrieve(self, request, *args, **kwargs):
        return Response(_upload_body(request, self.get_object()))

    def perform_destroy(self, instance):
        uploads.abort_upload(self.request.user, instance)

    @extend_schema(request=UploadCompleteSerializer, responses={200: UploadSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Check every part and the total size, assemble the file, verify its SHA-256, create the source asset."""
        upload = self.get_object()
        serializer = UploadCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = uploads.complete_upload(
            request.user, upload, sha256=serializer.validated_data["sha256"], part_md5=serializer.part_md5()
        )
        return Response(_upload_body(request, upload))


class AssetViewSet(viewsets.ReadOnlyModelViewSet):
    """A partner's media assets: sources as uploaded, and what the pipeline derives from them."""

    serializer_class = AssetSerializer
    filterset_fields = ["programme", "kind", "state", "parent"]
    ordering_fields = ["created_at", "state_changed_at", "size"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Asset.objects.none()
        return selectors.visible_assets(self.request.user.partner)

    @extend_schema(responses={200: DownloadLinkSerializer})
    @action(detail=True, methods=["get"], permission_classes=[CanFetchMedia])
    def download(self, request, pk=None):
        """A short-lived signed URL for the file itself; handing one out is recorded in the audit log."""
        asset = self.get_object()
        url = get_storage().download_url(asset.storage_key, DOWNLOAD_URL_EXPIRY, asset.original_filename or "download")
        # Recorded in the owner's log, so the owner sees who fetched what.
        audit.record(actor=request.user, partner=asset.programme.owner, action="asset.download_link", obj=asset,
                     kind=asset.kind, by_partner=request.user.partner.code)
        expires_at = timezone.now() + timedelta(seconds=DOWNLOAD_URL_EXPIRY)
        return Response({"url": request.build_absolute_uri(url), "expires_at": expires_at})

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[CanEditCatalogue])
    def reprocess(self, request, pk=None):
        """Run the pipeline again on a source that failed, was cancelled, or is ready."""
        return Response(AssetSerializer(assets.reprocess(request.user, self.get_object())).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[CanEditCatalogue])
    def cancel(self, request, pk=None):
        """Stop processing a source; a running transcode is killed within seconds."""
        return Response(AssetSerializer(assets.cancel(request.user, self.get_object())).data)


class ProgrammeAssetListView(generics.ListAPIView):
    """A programme's assets: all of them for the owner, previews for everyone, licensed media for licensees."""

    serializer_class = AssetSerializer
    filterset_fields = ["kind", "state"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Asset.objects.none()
        programme = get_object_or_404(visible_programmes(self.request.user.partner), pk=self.kwargs["programme_pk"])
        return selectors.visible_assets(self.request.user.partner).filter(programme=programme)


def _upload_body(request, upload: Upload) -> dict:
    return UploadSerializer(upload, context={"request": request, "transfer": uploads.transfer(upload)}).data


class PlaybackLinkView(generics.GenericAPIView):
    """A signed HLS playback URL for a ready HLS asset, with the subtitles the caller may fetch.

    The link stands only as long as the API token that asked for it: revoking that token ends playback."""

    serializer_class = DownloadLinkSerializer
    permission_classes = [CanFetchMedia]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Asset.objects.none()
        return selectors.visible_assets(self.request.user.partner).filter(kind=Asset.Kind.HLS, state=Asset.State.READY)

    def get(self, request, pk):
        asset = self.get_object()
        audit.record(actor=request.user, partner=asset.programme.owner, action="asset.playback_link", obj=asset,
                     by_partner=request.user.partner.code)
        expires_at = timezone.now() + timedelta(seconds=settings.PLAYBACK_URL_EXPIRY)
        api_token = request.auth if isinstance(request.auth, AuthToken) else None  # None: not a token (a session)
        url = request.build_absolute_uri(playback.playback_path(asset, request.user, api_token))
        return Response({"url": url, "expires_at": expires_at})
