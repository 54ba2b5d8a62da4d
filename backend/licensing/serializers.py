import uuid

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.catalogue.fields import COUNTRY_CODES, LanguageTagField
from backend.catalogue.selectors import visible_programmes
from backend.licensing import territories
from backend.licensing.models import Licence, LicenceRequest, LocalizationType, Medium, RightsOffer

RIGHTS_FIELDS = [
    "territories", "territory_groups", "media", "subtitle_languages", "dub_languages", "window_start", "window_end",
]


@extend_schema_field({"type": "string", "enum": sorted(territories.GROUPS) + COUNTRY_CODES,
                      "description": "A group or an ISO 3166-1 alpha-2 code (any case)"})
class TerritoryField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code or a group name (ARAB_LEAGUE, GCC, SCO, WORLDWIDE)."""

    default_error_messages = {"unknown_territory": "{message}"}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            territories.expand([value])
        except territories.UnknownTerritory as exc:
            self.fail("unknown_territory", message=str(exc))
        return value.upper()


def _unique(values: list) -> list:
    return list(dict.fromkeys(values))


class RightsSerializer(serializers.ModelSerializer):
    """Territories (codes or groups, expanded on save), media, languages and window."""

    territories = serializers.ListField(
        child=TerritoryField(), min_length=1, max_length=300,
        help_text="ISO 3166-1 alpha-2 codes and group names (" + ", ".join(sorted(territories.GROUPS))
        + "); stored and returned as country codes",
    )
    territory_groups = serializers.ListField(child=serializers.CharField(), read_only=True)
    media = serializers.ListField(child=serializers.ChoiceField(choices=Medium.choices), min_length=1)
    subtitle_languages = serializers.ListField(child=LanguageTagField(), required=False, max_length=200,
                                               help_text="BCP 47 tags")
    dub_languages = serializers.ListField(child=LanguageTagField(), required=False, max_length=200,
                                          help_text="BCP 47 tags")

    def validate(self, attrs):
        if "territories" in attrs:
            attrs["territories"], attrs["territory_groups"] = territories.expand(attrs["territories"])
        for name in ("media", "subtitle_languages", "dub_languages"):
            if name in attrs:
                attrs[name] = _unique(attrs[name])
        start = attrs.get("window_start", getattr(self.instance, "window_start", None))
        end = attrs.get("window_end", getattr(self.instance, "window_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"window_end": [serializers.ErrorDetail(f"The window ends ({end}) before it starts ({start}).",
                                                        code="window_end_before_start")]}
            )
        return attrs


class OfferSerializer(RightsSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)
    owner = serializers.SlugRelatedField(source="programme.owner", slug_field="code", read_only=True)

    class Meta:
        model = RightsOffer
        fields = ["id", "programme", "owner", *RIGHTS_FIELDS, "exclusivity_allowed", "terms", "notes",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class RequestableProgrammeField(serializers.PrimaryKeyRelatedField):
    """Any programme the caller can see; ownership and publication are checked by the service."""

    def get_queryset(self):
        return visible_programmes(self.context["request"].user.partner)


class LicenceRequestSerializer(RightsSerializer):
    programme = RequestableProgrammeField(help_text="One programme per request")
    owner = serializers.SlugRelatedField(source="programme.owner", slug_field="code", read_only=True)
    requester = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Null once the user is deleted (and decided_by until a decision).
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    licence = serializers.SerializerMethodField(help_text="The licence granted, once approved")
    offer = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                               help_text="The offer the request fitted when made")

    class Meta:
        model = LicenceRequest
        fields = ["id", "programme", "owner", "requester", "requested_by", "offer", *RIGHTS_FIELDS, "exclusive",
                  "message", "state", "decided_by", "decided_at", "reason", "licence", "created_at"]
        read_only_fields = ["id", "state", "decided_at", "reason", "created_at"]

    def get_licence(self, obj) -> uuid.UUID | None:
        # A reverse one-to-one: missing until the request is approved.
        licence = getattr(obj, "licence", None)
        return licence.pk if licence else None


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   help_text="Why; required to reject")


class RejectionSerializer(DecisionSerializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the request is rejected")


class LicenceSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)
    licensor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    licensee = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = serializers.ChoiceField(source="current_state", choices=Licence.State.choices, read_only=True,
                                    help_text="As of today, from the window")

    class Meta:
        model = Licence
        fields = ["id", "request", "programme", "offer", "licensor", "licensee", *RIGHTS_FIELDS, "exclusive",
                  "terms", "state", "created_at"]
        read_only_fields = fields


class AvailsQuerySerializer(serializers.Serializer):
    """The terms an avails search asks about; every one is required except language and exclusive."""

    territory = serializers.ListField(child=TerritoryField(), help_text="Codes or groups, comma-separated")
    media = serializers.ListField(child=serializers.ChoiceField(choices=Medium.choices),
                                  help_text="Comma-separated; all must be available")
    language = LanguageTagField(required=False, help_text="BCP 47 tag to subtitle or dub into")
    localization = serializers.ChoiceField(choices=LocalizationType.choices, required=False,
                                           help_text="Only subtitles or only dubbing for `language`")
    exclusive = serializers.BooleanField(default=False)

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword, so these two are added by name.
        fields["from"] = serializers.DateField(help_text="First day of the window (YYYY-MM-DD)")
        fields["to"] = serializers.DateField(help_text="Last day of the window (YYYY-MM-DD)")
        return fields

    def to_internal_value(self, data):
        # Query strings carry lists as `PK,CN` or as repeated parameters.
        data = {key: data.getlist(key) if hasattr(data, "getlist") else data[key] for key in data}
        flat = {key: values[-1] if isinstance(values, list) else values for key, values in data.items()}
        for name in ("territory", "media"):
            if name in data:
                values = data[name] if isinstance(data[name], list) else [data[name]]
                flat[name] = [item for value in values for item in value.split(",") if item.strip()]
        return super().to_internal_value(flat)

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError(
                {"to": [serializers.ErrorDetail("`to` is before `from`.", code="window_end_before_start")]}
            )
        if "localization" in attrs and "language" not in attrs:
            raise serializers.ValidationError(
                {"language": [serializers.ErrorDetail("Give the language for `localization`.", code="required")]}
            )
        return attrs

    def terms(self) -> dict:
        data = self.validated_data
        codes, _ = territories.expand(data["territory"])
        return {
            "territories": codes, "media": _unique(data["media"]), "start": data["from"], "end": data["to"],
            "language": data.get("language"), "localization": data.get("localization"),
            "exclusive": data["exclusive"],
        }
