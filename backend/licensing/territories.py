"""Territories: ISO 3166-1 alpha-2 codes and the named groups partners license by.

Groups are expanded when an offer or a request is saved, so every stored territory is
a country code and conflicts are checked country by country. A country that later joins
a group is not added to rights already granted, which is what a contract would say.
"""

from collections.abc import Iterable

import pycountry

from backend.common.languages import InvalidCode, normalise_country_code

# The 22 members of the League of Arab States (Palestine is PS; Syria's seat is counted).
ARAB_LEAGUE = frozenset({
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
    "MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
})
# Gulf Cooperation Council.
GCC = frozenset({"BH", "KW", "OM", "QA", "SA", "AE"})
# Shanghai Cooperation Organisation member states (Belarus joined in 2024).
SCO = frozenset({"BY", "CN", "IN", "IR", "KZ", "KG", "PK", "RU", "TJ", "UZ"})
WORLDWIDE = frozenset(country.alpha_2 for country in pycountry.countries)

GROUPS: dict[str, frozenset[str]] = {
    "ARAB_LEAGUE": ARAB_LEAGUE,
    "GCC": GCC,
    "SCO": SCO,
    "WORLDWIDE": WORLDWIDE,
}


class UnknownTerritory(InvalidCode):
    pass


def expand(items: Iterable[str]) -> tuple[list[str], list[str]]:
    """(sorted country codes, group names used) for a mix of codes and group names.

    Raises UnknownTerritory naming the first item that is neither.
    """
    codes: set[str] = set()
    groups: list[str] = []
    for item in items:
        name = item.strip().upper() if isinstance(item, str) else item
        if name in GROUPS:
            codes |= GROUPS[name]
            if name not in groups:
                groups.append(name)
            continue
        try:
            codes.add(normalise_country_code(name))
        except InvalidCode:
            known = ", ".join(sorted(GROUPS))
            raise UnknownTerritory(
                f"{item!r} is neither an ISO 3166-1 alpha-2 code nor a territory group ({known})."
            ) from None
    return sorted(codes), groups
