"""Which uploads and assets a partner may see. Everything else is 404, so ids leak nothing."""

from django.db.models import Q, QuerySet

from backend.catalogue.models import Programme
from backend.licensing.models import Licence
from backend.licensing.selectors import with_state
from backend.media.models import Asset, Upload
from backend.partners.models import Partner

# What any partner may see of a published programme: the catalogue entry's pictures and preview.
PREVIEW_KINDS = (Asset.Kind.POSTER, Asset.Kind.THUMBNAIL, Asset.Kind.PROXY)


def partner_uploads(partner: Partner) -> QuerySet[Upload]:
    """Uploads to the partner's own programmes (whoever of the partner started them)."""
    return Upload.objects.filter(programme__owner=partner).select_related("programme__owner", "asset")


def _licensed_media(partner: Partner) -> Q:
    """Assets of programmes the partner licenses today: all of them, except audio in languages
    it has not licensed (the original mix and language-neutral stems such as M&E are included)."""
    licences = with_state(Licence.objects.filter(licensee=partner), Licence.State.ACTIVE).select_related("programme")
    languages: dict = {}
    for licence in licences:
        allowed = languages.setdefault(licence.programme, {"", licence.programme.original_language})
        allowed |= licence.languages(None)
    condition = Q(pk__in=[])
    for programme, allowed in languages.items():
        condition |= Q(programme=programme) & (~Q(kind=Asset.Kind.AUDIO) | Q(language__in=allowed))
    return condition


def visible_assets(partner: Partner) -> QuerySet[Asset]:
    """The owner's assets; previews of published programmes; what the partner licenses today."""
    previews = Q(programme__state=Programme.State.PUBLISHED, kind__in=PREVIEW_KINDS, state=Asset.State.READY)
    return Asset.objects.filter(
        Q(programme__owner=partner) | previews | _licensed_media(partner)
    ).select_related("created_by", "programme")
