from rest_framework import serializers

from backend.webhooks.models import Webhook, WebhookDelivery


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Webhook.Event.choices), required=False,
                                   help_text="Events to receive; empty or absent means all")

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "is_active", "created_at"]
        read_only_fields = ["id", "is_active", "created_at"]

    def validate_events(self, value):
        return list(dict.fromkeys(value))


class RegisteredWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: keep it to verify signatures")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "payload", "state", "attempts", "response_status", "error", "created_at",
                  "last_attempt_at", "delivered_at"]
        read_only_fields = fields
