"""Licensing rules: offers, requests, decisions, licence states. Views and tasks both call these.

The invariants (nothing licensed outside an offer; no exclusive licence overlapping
another licence on the same programme x territory x medium x time) are checked and the
licence written in one transaction holding the programme's row lock, so decisions on
one programme are serialised. PostgreSQL takes the lock with SELECT ... FOR UPDATE;
SQLite has no row locks but its transactions start IMMEDIATE (see settings), which
serialises every writer.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ErrorDetail, ValidationError

from backend.audit import services as audit
from backend.catalogue.models import Programme
from backend.common.errors import Conflict
from backend.licensing import selectors
from backend.licensing.models import (
    Licence,
    LicenceRequest,
    LicenceRight,
    LocalizationType,
    OfferLanguage,
    OfferRight,
    Rights,
    RightsOffer,
)
from backend.licensing.signals import notify
from backend.partners.models import User

RIGHTS_FIELDS = (
    "territories", "territory_groups", "media", "subtitle_languages", "dub_languages", "window_start", "window_end",
)


def _invalid(field: str, code: str, message: str) -> ValidationError:
    return ValidationError({field: [ErrorDetail(message, code=code)]})


# Offers


def _rebuild_rows(offer: RightsOffer) -> None:
    offer.rights.all().delete()
    offer.language_rows.all().delete()
    OfferRight.objects.bulk_create(
        OfferRight(offer=offer, territory=territory, medium=medium)
        for territory in offer.territories for medium in offer.media
    )
    OfferLanguage.objects.bulk_create(
        [OfferLanguage(offer=offer, language=tag, kind=LocalizationType.SUBTITLE) for tag in offer.subtitle_languages]
        + [OfferLanguage(offer=offer, language=tag, kind=LocalizationType.DUB) for tag in offer.dub_languages]
    )


@transaction.atomic
def create_offer(actor: User, programme: Programme, data: dict[str, Any]) -> RightsOffer:
    offer = RightsOffer.objects.create(programme=programme, **data)
    _rebuild_rows(offer)
    audit.record(actor=actor, partner=actor.partner, action="offer.created", obj=offer, programme=str(programme.pk))
    return offer


@transaction.atomic
def update_offer(actor: User, offer: RightsOffer, data: dict[str, Any]) -> RightsOffer:
    """Licences already granted keep their terms; requests are checked against the new offer on approval."""
    changed = [name for name, value in data.items() if getattr(offer, name) != value]
    for name, value in data.items():
        setattr(offer, name, value)
    offer.save()
    _rebuild_rows(offer)
    audit.record(actor=actor, partner=actor.partner, action="offer.updated", obj=offer, fields=changed)
    return offer


@transaction.atomic
def delete_offer(actor: User, offer: RightsOffer) -> None:
    audit.record(actor=actor, partner=actor.partner, action="offer.deleted", obj=offer,
                 programme=str(offer.programme_id))
    offer.delete()


# Matching a request to an offer


def _narrow_by_window(offers: list[RightsOffer], rights: Rights) -> list[RightsOffer]:
    start, end = rights.window_start, rights.window_end
    fitting = [o for o in offers if o.window_start <= start and end <= o.window_end]
    if fitting:
        return fitting
    if not any(o.window_start <= start for o in offers):
        earliest = min(o.window_start for o in offers)
        raise _invalid("window_start", "window_outside_offer", f"Rights are offered from {earliest} at the earliest.")
    latest = max(o.window_end for o in offers)
    raise _invalid("window_end", "window_outside_offer", f"Rights are offered until {latest} at the latest.")


# Set-valued dimensions, in the order they are checked: (field, error code, wording).
SET_DIMENSIONS = (
    ("territories", "territory_not_offered", "territories"),
    ("media", "medium_not_offered", "media"),
    ("subtitle_languages", "language_not_offered", "subtitles in"),
    ("dub_languages", "language_not_offered", "dubbing into"),
)


def matching_offer(programme: Programme, rights: Rights, exclusive: bool) -> RightsOffer:
    """The offer of `programme` covering every dimension of `rights`.

    Offers are narrowed one dimension at a time, so the error names the first dimension
    no single offer covers (window, territories, media, languages, exclusivity) and what
    the closest offer lacks.
    """
    offers = list(programme.offers.order_by("window_start", "id"))
    if not offers:
        raise _invalid("programme", "not_offered", "The owner offers no rights on this programme.")
    offers = _narrow_by_window(offers, rights)
    for field, code, wording in SET_DIMENSIONS:
        wanted = set(getattr(rights, field))
        gaps = [(wanted - set(getattr(offer, field)), offer) for offer in offers]
        fitting = [offer for gap, offer in gaps if not gap]
        if not fitting:
            smallest = min((gap for gap, _ in gaps), key=len)
            raise _invalid(field, code, f"Not offered for {wording}: {', '.join(sorted(smallest))}.")
        offers = fitting
    if exclusive:
        offers = [offer for offer in offers if offer.exclusivity_allowed]
        if not offers:
            raise _invalid("exclusive", "exclusivity_not_offered", "The owner does not grant exclusivity on these terms.")
    return offers[0]


def _check_no_conflict(programme_id, rights: Rights, exclusive: bool) -> None:
    right = selectors.conflicting_right(
        programme_id, territories=rights.territories, media=rights.media,
        start=rights.window_start, end=rights.window_end, exclusive=exclusive,
    )
    if right is None:
        return
    raise Conflict(
        f"Licence {right.licence_id} already covers {right.territory} on {right.medium} "
        f"from {right.window_start} to {right.window_end}"
        + (" exclusively." if right.exclusive else ", and exclusive rights may not overlap it."),
        code="licence_conflict",
        conflicting_licence=str(right.licence_id),
        conflict={
            "territory": right.territory, "medium": right.medium, "exclusive": right.exclusive,
            "window_start": right.window_start.isoformat(), "window_end": right.window_end.isoformat(),
        },
    )


# Requests and decisions


def _audit_both(actor: User, licence_request: LicenceRequest, action: str, obj=None, **details) -> None:
    """Both parties' logs show every decision on a request between them."""
    for partner in {licence_request.requester, licence_request.programme.owner}:
        audit.record(actor=actor, partner=partner, action=action, obj=obj or licence_request,
                     programme=str(licence_request.programme_id), requester=licence_request.requester.code, **details)


def _event_payload(licence_request: LicenceRequest) -> dict[str, Any]:
    return {
        "request": str(licence_request.pk),
        "programme": str(licence_request.programme_id),
        "requester": licence_request.requester.code,
        "owner": licence_request.programme.owner.code,
        "state": licence_request.state,
        **{name: getattr(licence_request, name) for name in RIGHTS_FIELDS},
        "exclusive": licence_request.exclusive,
    }


@transaction.atomic
def request_licence(actor: User, programme: Programme, data: dict[str, Any]) -> LicenceRequest:
    if programme.owner_id == actor.partner_id:
        raise _invalid("programme", "own_programme", "A partner cannot license its own programme.")
    if not programme.is_published:
        raise _invalid("programme", "not_published", "Only published programmes can be licensed.")
    licence_request = LicenceRequest(programme=programme, requester=actor.partner, requested_by=actor, **data)
    if licence_request.window_end < timezone.localdate():
        raise _invalid("window_end", "window_in_past", "The window has already ended.")
    licence_request.offer = matching_offer(programme, licence_request, licence_request.exclusive)
    _check_no_conflict(programme.pk, licence_request, licence_request.exclusive)
    licence_request.save()
    _audit_both(actor, licence_request, "licence.requested", exclusive=licence_request.exclusive)
    notify(programme.owner, "licence.requested", _event_payload(licence_request))
    return licence_request


def _lock_for_decision(licence_request: LicenceRequest) -> LicenceRequest:
    """Lock the programme (serialising all decisions on it) and re-read the request."""
    Programme.objects.select_for_update().filter(pk=licence_request.programme_id).values_list("pk").get()
    locked = (
        LicenceRequest.objects.select_for_update(of=("self",))
        .select_related("programme__owner", "requester").get(pk=licence_request.pk)
    )
    if locked.state != LicenceRequest.State.REQUESTED:
        raise Conflict(f"The request was already {locked.state}.", code="already_decided", state=locked.state)
    return locked


@transaction.atomic
def approve(actor: User, licence_request: LicenceRequest, reason: str = "") -> Licence:
    """Grant the request as a licence, if it still fits an offer and conflicts with no licence."""
    licence_request = _lock_for_decision(licence_request)
    try:
        offer = matching_offer(licence_request.programme, licence_request, licence_request.exclusive)
    except ValidationError as exc:
        field, (error, *_) = next(iter(exc.detail.items()))
        raise Conflict(f"The offers no longer cover this request: {error}", code="no_longer_offered",
                       field=field, reason=error.code) from None
    _check_no_conflict(licence_request.programme_id, licence_request, licence_request.exclusive)

    licence = Licence.objects.create(
        request=licence_request, programme=licence_request.programme, offer=offer,
        licensor=licence_request.programme.owner, licensee=licence_request.requester,
        exclusive=licence_request.exclusive, terms=offer.terms,
        state=Licence.state_on(licence_request.window_start, licence_request.window_end, timezone.localdate()),
        **{name: getattr(licence_request, name) for name in RIGHTS_FIELDS},
    )
    LicenceRight.objects.bulk_create(
        LicenceRight(
            licence=licence, programme_id=licence.programme_id, territory=territory, medium=medium,
            window_start=licence.window_start, window_end=licence.window_end, exclusive=licence.exclusive,
        )
        for territory in licence.territories for medium in licence.media
    )
    licence_request.state = LicenceRequest.State.APPROVED
    licence_request.decided_by, licence_request.decided_at, licence_request.reason = actor, timezone.now(), reason
    licence_request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _audit_both(actor, licence_request, "licence.approved", licence=str(licence.pk), reason=reason)
    notify(licence.licensee, "licence.approved",
                  {**_event_payload(licence_request), "licence": str(licence.pk)})
    return licence


@transaction.atomic
def reject(actor: User, licence_request: LicenceRequest, reason: str) -> LicenceRequest:
    licence_request = _lock_for_decision(licence_request)
    licence_request.state = LicenceRequest.State.REJECTED
    licence_request.decided_by, licence_request.decided_at, licence_request.reason = actor, timezone.now(), reason
    licence_request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _audit_both(actor, licence_request, "licence.rejected", reason=reason)
    notify(licence_request.requester, "licence.rejected",
                  {**_event_payload(licence_request), "reason": reason})
    return licence_request


# Periodic upkeep


def refresh_licence_states() -> dict[str, int]:
    """Store each licence's state as of today and notify both parties of licences about to end.

    Idempotent: a licence is notified once (expiry_notified_at), states are only moved
    to what their window says.
    """
    today = timezone.localdate()
    counts = {}
    for state, stale in selectors.stale_licence_states(today).items():
        counts[state] = stale.update(state=state)
    notified = 0
    for licence in selectors.licences_due_for_expiry_notice(settings.LICENSING_EXPIRY_NOTICE_DAYS, today):
        with transaction.atomic():
            claimed = Licence.objects.filter(pk=licence.pk, expiry_notified_at__isnull=True).update(
                expiry_notified_at=timezone.now()
            )
            if not claimed:
                continue  # another run got there first
            payload = {
                "licence": str(licence.pk), "programme": str(licence.programme_id),
                "licensor": licence.licensor.code, "licensee": licence.licensee.code,
                "window_end": licence.window_end, "days_left": (licence.window_end - today).days,
            }
            for partner in (licence.licensee, licence.licensor):
                notify(partner, "licence.expiring", payload)
            notified += 1
    return {**counts, "expiry_notices": notified}
