"""Settings without surprises: a signing key nobody else has, and no default for production."""

import os
import stat
import subprocess
import sys

from django.conf import settings


def _secret_key(data_dir, **env) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "backend.exchange.settings", "DATA_DIR": str(data_dir), **env},
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )


def test_the_embedded_run_makes_its_own_key_once_and_keeps_it(tmp_path):
    first, again, elsewhere = (_secret_key(tmp_path / "a"), _secret_key(tmp_path / "a"), _secret_key(tmp_path / "b"))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and again.stdout.strip() == key  # kept across restarts
    assert elsewhere.stdout.strip() != key  # no two installations share a key
    assert stat.S_IMODE((tmp_path / "a" / "secret-key").stat().st_mode) == 0o600


def test_images_and_compose_refuse_to_start_without_a_key(tmp_path):
    refused = _secret_key(tmp_path, EXCHANGE_REQUIRE_SECRET_KEY="1", DEBUG="1")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr and "secrets.token_urlsafe" in refused.stderr
    assert not (tmp_path / "secret-key").exists()
