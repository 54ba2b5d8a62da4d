"""Read side of licensing: who sees what, avails, conflicts, and licensed delivery checks."""

import datetime
from collections.abc import Collection

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from backend.catalogue.models import Programme
from backend.catalogue.selectors import visible_programmes
from backend.licensing.models import (
    Licence,
    LicenceRequest,
    LicenceRight,
    LocalizationType,
    OfferLanguage,
    OfferRight,
    RightsOffer,
)
from backend.partners.models import Partner


def visible_offers(partner: Partner) -> QuerySet[RightsOffer]:
    """Offers on programmes the partner can see: its own, and others' published ones."""
    return RightsOffer.objects.filter(programme__in=visible_programmes(partner)).select_related("programme__owner")


def visible_requests(partner: Partner) -> QuerySet[LicenceRequest]:
    """Requests the partner made or received; nobody else's exist for it."""
    return LicenceRequest.objects.filter(Q(requester=partner) | Q(programme__owner=partner)).select_related(
        "programme__owner", "requester", "requested_by", "decided_by", "licence"
    )


def visible_licences(partner: Partner) -> QuerySet[Licence]:
    return Licence.objects.filter(Q(licensee=partner) | Q(licensor=partner)).select_related(
        "programme", "licensor", "licensee"
    )


def with_state(licences: QuerySet[Licence], state: str, day: datetime.date | None = None) -> QuerySet[Licence]:
    """Licences in `state` on `day`, from their windows, so it holds before the periodic task runs."""
    day = day or timezone.localdate()
    if state == Licence.State.SCHEDULED:
        return licences.filter(window_start__gt=day)
    if state == Licence.State.EXPIRED:
        return licences.filter(window_end__lt=day)
    return licences.filter(window_start__lte=day, window_end__gte=day)


def conflicting_right(
    programme_id, *, territories: Collection[str], media: Collection[str],
    start: datetime.date, end: datetime.date, exclusive: bool,
) -> LicenceRight | None:
    """A licensed territory x medium overlapping these rights in time that they may not coexist with.

    An exclusive licence may overlap nothing; any licence may overlap only non-exclusive ones.
    """
    rights = LicenceRight.objects.filter(
        programme_id=programme_id, territory__in=territories, medium__in=media,
        window_start__lte=end, window_end__gte=start,
    )
    if not exclusive:
        rights = rights.filter(exclusive=True)
    return rights.order_by("window_start", "territory", "medium", "licence_id").first()


def available_programme_ids(
    *,
    territories: Collection[str],
    media: Collection[str],
    start: datetime.date,
    end: datetime.date,
    language: str | None = None,
    localization: str | None = None,
    exclusive: bool = False,
) -> QuerySet:
    """IDs of programmes that can still be licensed on these terms, as a subquery.

    One offer must cover every territory x medium, the whole window, the language (for
    subtitles, dubbing, or either when `localization` is None) and exclusivity if asked;
    and no licence may stand in the way. Visibility is the caller's business:
    `visible_programmes(p).filter(pk__in=available_programme_ids(...))`.
    """
    territories, media = set(territories), set(media)
    cells = (
        OfferRight.objects.filter(offer=OuterRef("pk"), territory__in=territories, medium__in=media)
        .order_by().values("offer").annotate(n=Count("pk")).values("n")
    )
    offers = RightsOffer.objects.filter(window_start__lte=start, window_end__gte=end).annotate(
        covered=Subquery(cells)
    ).filter(covered=len(territories) * len(media))
    if exclusive:
        offers = offers.filter(exclusivity_allowed=True)
    if language:
        kinds = [localization] if localization else list(LocalizationType.values)
        offers = offers.filter(
            Exists(OfferLanguage.objects.filter(offer=OuterRef("pk"), language=language, kind__in=kinds))
        )
    blocking = LicenceRight.objects.filter(
        programme=OuterRef("programme"), territory__in=territories, medium__in=media,
        window_start__lte=end, window_end__gte=start,
    )
    if not exclusive:
        blocking = blocking.filter(exclusive=True)
    return offers.filter(~Exists(blocking)).values("programme_id")


def avails(partner: Partner, **terms) -> QuerySet[Programme]:
    """Published programmes the partner can see that are available on `terms` (see available_programme_ids)."""
    return visible_programmes(partner).filter(
        state=Programme.State.PUBLISHED, pk__in=available_programme_ids(**terms)
    )


def active_licences(partner: Partner, programme: Programme, day: datetime.date | None = None) -> QuerySet[Licence]:
    return with_state(Licence.objects.filter(licensee=partner, programme=programme), Licence.State.ACTIVE, day)


def has_active_licence(
    partner: Partner, programme: Programme, *, language: str | None = None, kind: str | None = None
) -> bool:
    """Whether the partner holds a licence for the programme today (covering `language` for `kind`).

    `kind` is "subtitle", "dub" or None (either). The owner is not a licensee: check ownership first.
    """
    if language is None:
        return active_licences(partner, programme).exists()
    return language in licensed_languages(partner, programme, kind=kind)


def licensed_languages(partner: Partner, programme: Programme, *, kind: str | None = None) -> set[str]:
    """BCP 47 tags the partner may use today for subtitles, dubbing, or either (kind=None)."""
    languages: set[str] = set()
    for licence in active_licences(partner, programme).only("subtitle_languages", "dub_languages"):
        languages |= licence.languages(kind)
    return languages


def licences_due_for_expiry_notice(within_days: int, day: datetime.date | None = None) -> QuerySet[Licence]:
    day = day or timezone.localdate()
    return with_state(Licence.objects.filter(expiry_notified_at__isnull=True), Licence.State.ACTIVE, day).filter(
        window_end__lte=day + datetime.timedelta(days=within_days)
    ).select_related("programme", "licensor", "licensee")


def stale_licence_states(day: datetime.date | None = None) -> dict[str, QuerySet[Licence]]:
    """For each state, the licences that should be in it but are stored otherwise."""
    return {state: with_state(Licence.objects.all(), state, day).exclude(state=state) for state in Licence.State.values}

