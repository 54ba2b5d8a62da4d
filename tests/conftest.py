"""Fixtures shared by the whole suite: partners, users with roles, authenticated API clients."""

import pytest
from rest_framework.test import APIClient

from backend.partners import services
from backend.partners.models import Role


class PartnerAccess:
    """A partner and one client per role, each authenticated with a real token."""

    def __init__(self, code: str, country: str):
        self.partner, self.admin, self.admin_token = services.create_partner(
            code=code, name=f"{code} broadcaster", country=country, admin_username=f"{code.lower()}-admin"
        )
        self._clients: dict[str, APIClient] = {Role.ADMIN: self._client(self.admin_token)}

    @staticmethod
    def _client(token: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    def client(self, role: str = Role.ADMIN) -> APIClient:
        if role not in self._clients:
            _, token = services.create_user(
                self.partner, username=f"{self.partner.code.lower()}-{role}", role=role, actor=self.admin
            )
            self._clients[role] = self._client(token)
        return self._clients[role]


@pytest.fixture
def ptv(db) -> PartnerAccess:
    return PartnerAccess("PTV", "PK")


@pytest.fixture
def cctv(db) -> PartnerAccess:
    return PartnerAccess("CCTV", "CN")


@pytest.fixture
def aztv(db) -> PartnerAccess:
    return PartnerAccess("AZTV", "AZ")


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()
