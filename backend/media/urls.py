"""Routes of the media app that a router cannot express: nested lists and signed playback."""

from django.urls import path

from backend.media import playback_views, views

urlpatterns = [
    path("api/v1/programmes/<uuid:programme_pk>/uploads/", views.ProgrammeUploadView.as_view(), name="programme-uploads"),
    path("api/v1/programmes/<uuid:programme_pk>/assets/", views.ProgrammeAssetListView.as_view(), name="programme-assets"),
    path("api/v1/assets/<uuid:pk>/playback/", views.PlaybackLinkView.as_view(), name="asset-playback"),
    path("api/v1/playback/<str:token>/<path:path>", playback_views.PlaybackView.as_view(), name="playback"),
]
