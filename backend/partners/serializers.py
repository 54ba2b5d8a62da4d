from knox.models import AuthToken
from rest_framework import serializers

from backend.partners.models import Partner, Role, User


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["code", "name", "country"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    partner = PartnerSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["username", "role", "partner"]
        read_only_fields = fields


class TokenSerializer(serializers.ModelSerializer):
    """A token as listed: only its public prefix, never the secret."""

    class Meta:
        model = AuthToken
        fields = ["token_key", "created", "expiry"]
        read_only_fields = fields


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = TokenSerializer.Meta.fields + ["token"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150)

    class Meta:
        model = User
        fields = ["username", "role", "is_active", "date_joined"]
        read_only_fields = ["is_active", "date_joined"]


class CreatedUserSerializer(UserSerializer):
    token = serializers.CharField(read_only=True, help_text="The new user's first token, shown once.")

    class Meta(UserSerializer.Meta):
        fields = UserSerializer.Meta.fields + ["token"]
