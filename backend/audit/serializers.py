from rest_framework import serializers

from backend.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actor = serializers.CharField(source="actor_username", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "partner", "actor", "action", "object_type", "object_id", "details"]
        read_only_fields = fields
