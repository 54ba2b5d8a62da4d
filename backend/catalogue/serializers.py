from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from backend.catalogue.fields import CountryCodeField, LanguageTagField, LocalisedField, LocalisedKeywordsField
from backend.catalogue.models import CoProducer, Genre, Programme
from backend.partners.models import Partner

CREDIT_ROLES = [
    "director", "producer", "executive_producer", "writer", "narrator", "presenter",
    "editor", "cinematographer", "composer", "researcher", "translator", "cast", "other",
]


class CoProducerSerializer(serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="code", queryset=Partner.objects.filter(is_active=True))
    share = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100"),
        help_text="Percentage of the co-production",
    )

    class Meta:
        model = CoProducer
        fields = ["partner", "share"]


class CreditSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=CREDIT_ROLES)
    name = LocalisedField(max_length=200, min_languages=1, help_text="The name in one or more scripts")


class OwnProgrammeField(serializers.PrimaryKeyRelatedField):
    """A programme of the caller's partner; others' IDs get the same error as unknown ones."""

    def get_queryset(self):
        request = self.context.get("request")
        partner_id = request.user.partner_id if request else None
        return Programme.objects.filter(owner_id=partner_id)


class ProgrammeSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = OwnProgrammeField(
        required=False, allow_null=True,
        help_text="The series of a season, or the season (or series) of an episode",
    )
    title = LocalisedField(max_length=settings.LOCALISED_TEXT_MAX_LENGTH["title"], min_languages=1)
    synopsis = LocalisedField(max_length=settings.LOCALISED_TEXT_MAX_LENGTH["synopsis"], required=False)
    keywords = LocalisedKeywordsField(required=False)
    original_language = LanguageTagField()
    genres = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Genre.objects.all(), required=False)
    countries = serializers.ListField(child=CountryCodeField(), required=False, max_length=250)
    coproducers = CoProducerSerializer(many=True, required=False)
    credits = CreditSerializer(many=True, required=False, max_length=500)

    class Meta:
        model = Programme
        fields = [
            "id", "owner", "kind", "parent", "number", "title", "synopsis", "keywords",
            "original_language", "genres", "production_year", "duration_seconds", "countries",
            "coproducers", "credits", "state", "published_at", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "owner", "state", "published_at", "created_at", "updated_at"]

    def validate_countries(self, value):
        return list(dict.fromkeys(value))

    def validate_coproducers(self, value):
        partners = [item["partner"].code for item in value]
        if len(partners) != len(set(partners)):
            raise serializers.ValidationError("A partner is listed twice.", code="duplicate_partner")
        total = sum(item["share"] for item in value)
        if total > 100:
            raise serializers.ValidationError(
                f"Co-producer shares total {total} %, more than 100 %.", code="shares_over_100"
            )
        return value
