"""Fixtures shared by the whole suite: partners, users with roles, authenticated API clients."""

import uuid

import pytest
from rest_framework.test import APIClient

from backend.exchange.settings import filesystem_storage
from backend.partners import services
from backend.partners.models import Role
from backend.search.engine import search_backend


def vocabulary() -> None:
    """Data migrations' rows are gone after a transactional test flushes the tables: put them back."""
    from backend.catalogue.genres import seed_genres
    from backend.catalogue.models import Genre

    if not Genre.objects.exists():
        seed_genres(Genre)


class PartnerAccess:
    """A partner and one client per role, each authenticated with a real token."""

    def __init__(self, code: str, country: str):
        vocabulary()
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


@pytest.fixture(autouse=True)
def isolated_stores(settings, tmp_path):
    """Each test gets its own object store and search index (the database is rolled back; these are not)."""
    settings.OBJECT_STORAGE = filesystem_storage(tmp_path / "store")
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "search.sqlite3"
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}"
    yield
    if settings.ELASTICSEARCH_URL:  # a real node keeps indices: drop this test's (a node has ~1000 shards)
        search_backend().drop()


@pytest.fixture
def eager_tasks():
    """Celery tasks run in this process when enqueued (the real worker path has its own tests).

    Commits enqueue them: wrap the calls in `django_capture_on_commit_callbacks(execute=True)`."""
    from workers import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
