from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.catalogue import selectors, services
from backend.catalogue.filters import ProgrammeFilter
from backend.catalogue.models import Programme
from backend.catalogue.serializers import ProgrammeSerializer
from backend.partners.permissions import CanEditCatalogue


class ProgrammeViewSet(viewsets.ModelViewSet):
    """The catalogue: a partner's own programmes, its co-productions and everyone's published ones.

    Only the owner's editors and administrators change a programme; others read what is
    visible to them, and anything else does not exist for them (404).
    """

    queryset = Programme.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = ProgrammeSerializer
    permission_classes = [CanEditCatalogue]
    filterset_class = ProgrammeFilter
    ordering_fields = ["created_at", "updated_at", "published_at", "production_year", "duration_seconds"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.with_related(selectors.visible_programmes(self.request.user.partner))

    def perform_create(self, serializer):
        serializer.instance = services.create_programme(self.request.user, serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_programme(self.request.user, serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_programme(self.request.user, instance)

    def _respond(self, programme: Programme) -> Response:
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(self.get_serializer(programme).data, status=status.HTTP_200_OK)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Make the programme visible to every partner."""
        return self._respond(services.publish(request.user, self.get_object()))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        """Withdraw the programme from other partners' view."""
        return self._respond(services.unpublish(request.user, self.get_object()))
