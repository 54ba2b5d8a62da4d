"""Routes of the media app that a router cannot express: nested lists and the store's signed endpoints."""

from django.urls import path

from backend.media import playback_views, storage_views, views
from backend.media.storage import DOWNLOAD_PATH, PART_PATH

urlpatterns = [
    path("api/v1/programmes/<uuid:programme_pk>/uploads/", views.ProgrammeUploadView.as_view(), name="programme-uploads"),
    path("api/v1/programmes/<uuid:programme_pk>/assets/", views.ProgrammeAssetListView.as_view(), name="programme-assets"),
    path(f"{PART_PATH}<str:upload_id>/<int:part_number>", storage_views.receive_part, name="storage-part"),
    path(DOWNLOAD_PATH, storage_views.download_object, name="storage-object"),
    path("api/v1/assets/<uuid:pk>/playback/", views.PlaybackLinkView.as_view(), name="asset-playback"),
    path("api/v1/playback/<str:token>/<path:path>", playback_views.serve, name="playback"),
]
