"""People with passwords, signed in to the portal with a real session (Django's test client)."""

import uuid

import pytest
from django.test import Client

from backend.partners import services
from backend.partners.models import Role

PASSWORD = "correct horse — 密码 — کلمہ"


def make_person(access, role: str = Role.EDITOR, username: str | None = None):
    user, _token = services.create_user(
        access.partner, username=username or f"{access.partner.code.lower()}-{role}-{uuid.uuid4().hex[:6]}",
        role=role, actor=access.admin,
    )
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def signed_in():
    """``signed_in(ptv, "editor", HTTP_ACCEPT_LANGUAGE="ur")`` → a test client with a session."""

    def make(access, role: str = Role.EDITOR, **headers) -> Client:
        user = make_person(access, role)
        client = Client(enforce_csrf_checks=True, headers=headers)
        assert client.login(username=user.username, password=PASSWORD)
        client.user = user
        return client

    return make
