"""Which uploads and assets a partner may see. Everything else is 404, so ids leak nothing."""

from django.db.models import QuerySet

from backend.catalogue.models import Programme
from backend.media.models import Asset, Upload
from backend.partners.models import Partner


def partner_uploads(partner: Partner) -> QuerySet[Upload]:
    """Uploads to the partner's own programmes (whoever of the partner started them)."""
    return Upload.objects.filter(programme__owner=partner).select_related("programme__owner", "asset")


def visible_assets(partner: Partner) -> QuerySet[Asset]:
    """The owner's assets. Licensees will see theirs once licensing grants media access."""
    return Asset.objects.filter(programme__owner=partner).select_related("created_by")


def owned_programmes(partner: Partner) -> QuerySet[Programme]:
    return Programme.objects.filter(owner=partner)
