"""The filesystem store's signed endpoints, where settings.OBJECT_STORAGE's URLs point."""

from django.conf import settings
from django.urls import path

from backend.storage import views

urlpatterns = [
    path(f"{settings.FILESYSTEM_STORAGE_PATH}parts/<str:upload_id>/<int:part_number>", views.PartView.as_view(),
         name="storage-part"),
    path(f"{settings.FILESYSTEM_STORAGE_PATH}objects/<path:key>", views.ObjectView.as_view(), name="storage-object"),
]
