import pytest

from backend.licensing import territories


def test_arab_league_has_its_22_members():
    assert len(territories.ARAB_LEAGUE) == 22
    assert {"PS", "KM", "SO", "DJ", "MR", "SY", "EG", "SA"} <= territories.ARAB_LEAGUE
    assert territories.GCC < territories.ARAB_LEAGUE


def test_every_group_member_is_a_country():
    for name, members in territories.GROUPS.items():
        assert members <= territories.WORLDWIDE, name
    assert len(territories.WORLDWIDE) >= 249


def test_codes_and_groups_expand_sorted_without_duplicates():
    codes, groups = territories.expand(["pk", "gcc", "SA", "Gcc"])
    assert codes == ["AE", "BH", "KW", "OM", "PK", "QA", "SA"]
    assert groups == ["GCC"]


@pytest.mark.parametrize("item", ["XX", "PAK", "EUROPE", "", 7])
def test_unknown_territories_are_named(item):
    with pytest.raises(territories.UnknownTerritory, match=repr(item)):
        territories.expand(["PK", item])
