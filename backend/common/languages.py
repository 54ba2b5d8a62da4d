"""BCP 47 language tags and ISO 3166-1 country codes, validated by langcodes and pycountry."""

import langcodes
import pycountry


class InvalidCode(ValueError):
    """Raised with a message naming the offending value."""


def normalise_language_tag(tag: str) -> str:
    """The canonical form of a BCP 47 tag (`zh_hans` → `zh-Hans`, `ur-Arab` → `ur`).

    Rejects malformed tags and tags whose language subtag is not registered.
    """
    if not isinstance(tag, str) or not tag or len(tag) > 35:
        raise InvalidCode(f"{tag!r} is not a BCP 47 language tag.")
    try:
        valid = langcodes.tag_is_valid(tag) and langcodes.Language.get(tag).is_valid()
    except (ValueError, LookupError):
        valid = False
    if not valid:
        raise InvalidCode(f"{tag!r} is not a valid BCP 47 language tag (e.g. en, zh-Hans, ar, ur, az-Latn).")
    return langcodes.standardize_tag(tag)


def normalise_country_code(code: str) -> str:
    """An upper-case ISO 3166-1 alpha-2 code that exists (`pk` → `PK`)."""
    if not isinstance(code, str) or len(code) != 2 or pycountry.countries.get(alpha_2=code.upper()) is None:
        raise InvalidCode(f"{code!r} is not an ISO 3166-1 alpha-2 country code.")
    return code.upper()
