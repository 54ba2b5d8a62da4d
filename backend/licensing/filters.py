import django_filters

from backend.licensing import selectors
from backend.licensing.models import Licence, LicenceRequest, RightsOffer

DIRECTIONS = [("incoming", "For the caller's programmes"), ("outgoing", "Made by the caller")]


class OfferFilter(django_filters.FilterSet):
    programme = django_filters.UUIDFilter(field_name="programme_id")
    owner = django_filters.CharFilter(field_name="programme__owner__code", help_text="Owner's partner code")

    class Meta:
        model = RightsOffer
        fields = ["programme", "owner", "terms", "exclusivity_allowed"]


class LicenceRequestFilter(django_filters.FilterSet):
    programme = django_filters.UUIDFilter(field_name="programme_id")
    direction = django_filters.ChoiceFilter(choices=DIRECTIONS, method="filter_direction")

    class Meta:
        model = LicenceRequest
        fields = ["programme", "state", "exclusive", "direction"]

    def filter_direction(self, queryset, name, value):
        partner = self.request.user.partner
        return queryset.filter(programme__owner=partner) if value == "incoming" else queryset.filter(requester=partner)


class LicenceFilter(django_filters.FilterSet):
    programme = django_filters.UUIDFilter(field_name="programme_id")
    state = django_filters.ChoiceFilter(choices=Licence.State.choices, method="filter_state",
                                        help_text="As of today, from the window")
    direction = django_filters.ChoiceFilter(
        choices=[("incoming", "Licences the caller holds"), ("outgoing", "Licences the caller granted")],
        method="filter_direction",
    )

    class Meta:
        model = Licence
        fields = ["programme", "state", "exclusive", "direction"]

    def filter_state(self, queryset, name, value):
        return selectors.with_state(queryset, value)

    def filter_direction(self, queryset, name, value):
        partner = self.request.user.partner
        return queryset.filter(licensee=partner) if value == "incoming" else queryset.filter(licensor=partner)
