"""Licensing API. URL design (shallow nesting, since every id is a UUID):

- /programmes/{programme_pk}/offers/   list and create a programme's rights offers
- /offers/ and /offers/{id}/           every visible offer; retrieve, update, delete by id
- /licence-requests/ (+ {id}/approve/, {id}/reject/)
- /licences/                           read-only; state computed from the window
- /avails/                             programmes still available on given terms
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.catalogue.selectors import visible_programmes, with_related
from backend.catalogue.serializers import ProgrammeSerializer
from backend.licensing import selectors, services
from backend.licensing.filters import LicenceFilter, LicenceRequestFilter, OfferFilter
from backend.licensing.models import Licence, LicenceRequest, RightsOffer
from backend.licensing.serializers import (
    AvailsQuerySerializer,
    DecisionSerializer,
    LicenceRequestSerializer,
    LicenceSerializer,
    OfferSerializer,
    RejectionSerializer,
)
from backend.partners.permissions import CanDecideLicence, CanLicense


class ProgrammeOfferListView(generics.ListCreateAPIView):
    """A programme's rights offers: visible with the programme, made by its owner's licensing team."""

    serializer_class = OfferSerializer
    permission_classes = [CanLicense]
    filter_backends = []

    def get_programme(self):
        return get_object_or_404(visible_programmes(self.request.user.partner), pk=self.kwargs["programme_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RightsOffer.objects.none()
        return selectors.visible_offers(self.request.user.partner).filter(programme=self.get_programme())

    def perform_create(self, serializer):
        programme = self.get_programme()
        self.check_object_permissions(self.request, programme)
        serializer.instance = services.create_offer(self.request.user, programme, serializer.validated_data)


class OfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                   mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Offers on every programme the caller can see; create them under /programmes/{id}/offers/."""

    serializer_class = OfferSerializer
    permission_classes = [CanLicense]
    filterset_class = OfferFilter
    ordering_fields = ["window_start", "window_end", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RightsOffer.objects.none()
        return selectors.visible_offers(self.request.user.partner)

    def perform_update(self, serializer):
        serializer.instance = services.update_offer(self.request.user, serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_offer(self.request.user, instance)


class LicenceRequestViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Requests the caller made (outgoing) or received for its programmes (incoming).

    One programme per request. The programme owner's licensing team approves or rejects;
    for anyone else the request does not exist.
    """

    serializer_class = LicenceRequestSerializer
    permission_classes = [CanLicense]
    filterset_class = LicenceRequestFilter
    ordering_fields = ["created_at", "window_start"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return LicenceRequest.objects.none()
        return selectors.visible_requests(self.request.user.partner)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        serializer.instance = services.request_licence(self.request.user, programme, data)

    def _decide(self, request, serializer_class, decide):
        licence_request = self.get_object()
        decision = serializer_class(data=request.data)
        decision.is_valid(raise_exception=True)
        decide(request.user, licence_request, decision.validated_data.get("reason", ""))
        return Response(self.get_serializer(self.get_queryset().get(pk=licence_request.pk)).data)

    @extend_schema(request=DecisionSerializer, responses={200: LicenceRequestSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanDecideLicence])
    def approve(self, request, pk=None):
        """Grant the request as a licence; 409 `licence_conflict` names a licence in the way."""
        return self._decide(request, DecisionSerializer, services.approve)

    @extend_schema(request=RejectionSerializer, responses={200: LicenceRequestSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanDecideLicence])
    def reject(self, request, pk=None):
        """Refuse the request, with a reason the requester sees."""
        return self._decide(request, RejectionSerializer, services.reject)


class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Licences the caller holds or granted; `state` is computed from today's date."""

    serializer_class = LicenceSerializer
    filterset_class = LicenceFilter
    ordering_fields = ["created_at", "window_start", "window_end"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Licence.objects.none()
        return selectors.visible_licences(self.request.user.partner)


class AvailsView(generics.ListAPIView):
    """Published programmes that can still be licensed on the given terms.

    An offer must cover every territory x medium, the whole window, the language and
    exclusivity if asked, and no licence may conflict.
    """

    serializer_class = ProgrammeSerializer
    filter_backends = []

    @extend_schema(parameters=[AvailsQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = AvailsQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        programmes = selectors.avails(self.request.user.partner, **query.terms())
        return with_related(programmes).order_by("-published_at", "id")
