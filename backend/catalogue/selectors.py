"""Which programmes a partner may see. Everything else is 404, so IDs leak nothing."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from backend.catalogue.models import CoProducer, Programme
from backend.partners.models import Partner


def visible_programmes(partner: Partner) -> QuerySet[Programme]:
    """Own programmes, co-productions the partner shares in (even drafts), and published ones."""
    coproduces = Exists(CoProducer.objects.filter(programme=OuterRef("pk"), partner=partner))
    return Programme.objects.filter(Q(owner=partner) | Q(state=Programme.State.PUBLISHED) | coproduces)


def with_related(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """Fetch what the API shows in a fixed number of queries, whatever the page size."""
    return queryset.select_related("owner").prefetch_related(
        "genres", Prefetch("coproducers", queryset=CoProducer.objects.select_related("partner"))
    )
