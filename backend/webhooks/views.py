"""/webhooks/ (+ {id}/deliveries/): a partner's event subscriptions and their delivery log."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.partners.permissions import IsPartnerAdmin
from backend.webhooks import services
from backend.webhooks.models import Webhook
from backend.webhooks.serializers import RegisteredWebhookSerializer, WebhookDeliverySerializer, WebhookSerializer


class WebhookViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                     mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The partner's webhooks, managed by its administrators. The secret is shown once, on creation."""

    serializer_class = WebhookSerializer
    permission_classes = [IsPartnerAdmin]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Webhook.objects.none()
        return self.request.user.partner.webhooks.all()

    @extend_schema(responses={201: RegisteredWebhookSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook, secret = services.register(
            request.user, url=serializer.validated_data["url"], events=serializer.validated_data.get("events", [])
        )
        return Response({**WebhookSerializer(webhook).data, "secret": secret}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.unregister(self.request.user, instance)

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The delivery log, newest first: attempts, last response status and error."""
        page = self.paginate_queryset(self.get_object().deliveries.all())
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
