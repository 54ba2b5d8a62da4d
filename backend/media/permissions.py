"""One rule for every path to media bytes: downloads, playback, subtitle files and dubbing kits."""

from rest_framework.exceptions import PermissionDenied

from backend.media.models import Asset
from backend.media.selectors import PREVIEW_KINDS
from backend.partners.permissions import IsPartnerMember


def can_fetch_media(user, obj=None) -> bool:
    """Previews (poster, thumbnails, the proxy) are for every role; everything else (masters,
    renditions, the HLS ladder and its subtitles, subtitle files, kits) is work for the roles that
    handle media, not for viewers. Which objects a partner may fetch at all is visible_assets'."""
    return user.can_fetch_media or (isinstance(obj, Asset) and obj.kind in PREVIEW_KINDS)


class CanFetchMedia(IsPartnerMember):
    message = "Viewers may fetch posters and previews only."

    def has_object_permission(self, request, view, obj) -> bool:
        if not can_fetch_media(request.user, obj):
            raise PermissionDenied(self.message, code="role_not_allowed")
        return True
