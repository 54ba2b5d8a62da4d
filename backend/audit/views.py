import django_filters
from rest_framework import viewsets

from backend.audit.models import AuditEvent
from backend.audit.serializers import AuditEventSerializer
from backend.partners.permissions import IsPartnerAdmin


class AuditEventFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id"]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The partner's own audit log, for its administrators."""

    queryset = AuditEvent.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = AuditEventSerializer
    permission_classes = [IsPartnerAdmin]
    filterset_class = AuditEventFilter
    ordering_fields = ["at"]

    def get_queryset(self):
        return AuditEvent.objects.filter(partner=self.request.user.partner_id).select_related("partner")
