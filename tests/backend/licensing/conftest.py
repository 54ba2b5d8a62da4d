import pytest

from tests.backend.licensing.helpers import offer_rights, publish_programme


@pytest.fixture
def documentary(ptv) -> str:
    """A published PTV documentary with the standard offer (see helpers.OFFER)."""
    programme_id = publish_programme(ptv)
    offer_rights(ptv, programme_id)
    return programme_id
