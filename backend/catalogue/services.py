"""Catalogue rules: hierarchy, ownership, publication. Views and tasks both call these."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from backend.audit import services as audit
from backend.catalogue import signals
from backend.catalogue.models import CoProducer, Programme
from backend.common.errors import Conflict
from backend.partners.models import User

Kind = Programme.Kind
ALLOWED_PARENTS = {
    Kind.ONE_OFF: set(),
    Kind.SERIES: set(),
    Kind.SEASON: {Kind.SERIES},
    Kind.EPISODE: {Kind.SEASON, Kind.SERIES},
}


def _check_hierarchy(programme: Programme) -> None:
    allowed = ALLOWED_PARENTS[programme.kind]
    parent = programme.parent
    if parent is None:
        if programme.kind in (Kind.SEASON, Kind.EPISODE):
            raise ValidationError({"parent": [f"A {programme.kind} needs a parent."]}, code="parent_required")
        return
    if parent.owner_id != programme.owner_id:
        # The serializer only offers the owner's programmes; this guards direct service calls.
        raise ValidationError({"parent": ["No such programme."]}, code="does_not_exist")
    if parent.kind not in allowed:
        expected = " or ".join(sorted(allowed)) or "no parent"
        raise ValidationError(
            {"parent": [f"A {programme.kind} belongs to a {expected}, not a {parent.kind}."]}, code="invalid_parent"
        )


def _apply(programme: Programme, data: dict[str, Any]) -> list[str]:
    """Set fields from validated data; returns the names of the fields that changed."""
    data = dict(data)
    genres = data.pop("genres", None)
    coproducers = data.pop("coproducers", None)
    changed = [name for name, value in data.items() if getattr(programme, name) != value]
    for name, value in data.items():
        setattr(programme, name, value)
    if programme.pk and programme.kind != Kind.SERIES and "kind" in changed and programme.children.exists():
        raise ValidationError({"kind": ["This programme has seasons or episodes; it must stay a series."]},
                              code="has_children")
    _check_hierarchy(programme)
    programme.save()
    if genres is not None:
        programme.genres.set(genres)
        changed.append("genres")
    if coproducers is not None:
        programme.coproducers.all().delete()
        CoProducer.objects.bulk_create(
            CoProducer(programme=programme, partner=item["partner"], share=item["share"]) for item in coproducers
        )
        changed.append("coproducers")
    return changed


@transaction.atomic
def create_programme(actor: User, data: dict[str, Any]) -> Programme:
    programme = Programme(owner=actor.partner)
    _apply(programme, data)
    audit.record(actor=actor, partner=actor.partner, action="programme.created", obj=programme)
    signals.notify_changed(programme)
    return programme


@transaction.atomic
def update_programme(actor: User, programme: Programme, data: dict[str, Any]) -> Programme:
    changed = _apply(programme, data)
    audit.record(actor=actor, partner=actor.partner, action="programme.updated", obj=programme, fields=changed)
    signals.notify_changed(programme)
    return programme


@transaction.atomic
def publish(actor: User, programme: Programme) -> Programme:
    if programme.is_published:
        raise Conflict("The programme is already published.", code="already_published")
    programme.state = Programme.State.PUBLISHED
    programme.published_at = timezone.now()
    programme.save(update_fields=["state", "published_at", "updated_at"])
    audit.record(actor=actor, partner=actor.partner, action="programme.published", obj=programme)
    signals.notify_changed(programme)
    return programme


@transaction.atomic
def unpublish(actor: User, programme: Programme) -> Programme:
    if not programme.is_published:
        raise Conflict("The programme is not published.", code="not_published")
    programme.state = Programme.State.DRAFT
    programme.save(update_fields=["state", "updated_at"])
    audit.record(actor=actor, partner=actor.partner, action="programme.unpublished", obj=programme)
    signals.notify_changed(programme)
    return programme


@transaction.atomic
def delete_programme(actor: User, programme: Programme) -> None:
    # Partners may have found, or licensed, what is published: withdraw it first.
    if programme.is_published:
        raise Conflict("Unpublish the programme before deleting it.", code="programme_published")
    if programme.children.exists():
        raise Conflict("Delete its seasons and episodes first.", code="has_children")
    programme_id = programme.pk
    programme.delete()
    audit.record(actor=actor, partner=actor.partner, action="programme.deleted",
                 object_type="programme", object_id=str(programme_id))
    signals.notify_deleted(programme_id)
