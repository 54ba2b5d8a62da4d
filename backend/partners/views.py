from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import mixins, status, viewsets
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response

from backend.partners import services
from backend.partners.models import Partner, User
from backend.partners.permissions import IsPartnerAdmin
from backend.partners.serializers import (
    CreatedUserSerializer,
    IssuedTokenSerializer,
    MeSerializer,
    PartnerSerializer,
    TokenSerializer,
    UserSerializer,
)


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    """The broadcasters of the exchange; public to every member."""

    queryset = Partner.objects.filter(is_active=True)
    serializer_class = PartnerSerializer
    lookup_field = "code"
    ordering_fields = ["code", "name"]


class MeView(RetrieveAPIView):
    """Who the token belongs to: user, role and partner."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class TokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens: list (prefixes only), issue another, revoke one."""

    queryset = AuthToken.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = TokenSerializer
    lookup_field = "token_key"
    pagination_class = None

    def get_queryset(self):
        return AuthToken.objects.filter(user=self.request.user).order_by("-created")

    @extend_schema(request=None, responses={201: IssuedTokenSerializer})
    def create(self, request, *args, **kwargs):
        instance, key = services.issue_token(request.user)
        data = {**TokenSerializer(instance).data, "token": key}
        return Response(IssuedTokenSerializer(data).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.revoke_token(request.user, kwargs["token_key"], actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The partner's users, managed by its administrators."""

    queryset = User.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = UserSerializer
    permission_classes = [IsPartnerAdmin]

    def get_queryset(self):
        return self.request.user.partner.users.order_by("username")

    @extend_schema(responses={201: CreatedUserSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, key = services.create_user(request.user.partner, actor=request.user, **serializer.validated_data)
        return Response({**UserSerializer(user).data, "token": key}, status=status.HTTP_201_CREATED)
