"""JSON calls to the exchange upload API (``Authorization: Token <key>``)."""

from __future__ import annotations

import time
from typing import Any

import requests

RETRYABLE_STATUS = {500, 502, 503, 504}


class ApiError(Exception):
    """An error answer of the API, carrying its stable ``code`` and human ``detail``."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{detail} ({code}, HTTP {status})")
        self.status, self.code, self.detail = status, code, detail


class ExchangeApi:
    def __init__(self, base_url: str, token: str, session: requests.Session | None = None, timeout: float = 60, retries: int = 3) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.timeout = timeout
        self.retries = retries

    def create_upload(self, programme: str, *, filename: str, size: int, content_type: str, sha256: str | None = None) -> dict:
        body: dict[str, Any] = {"filename": filename, "size": size, "content_type": content_type}
        if sha256:
            body["sha256"] = sha256
        # Not retried: a repeated POST would start a second upload.
        return self._call("POST", f"/api/v1/programmes/{programme}/uploads/", body, retry=False)

    def get_upload(self, upload_id: str) -> dict:
        return self._call("GET", f"/api/v1/uploads/{upload_id}/")

    def complete_upload(self, upload_id: str, *, sha256: str, parts: list[dict]) -> dict:
        return self._call("POST", f"/api/v1/uploads/{upload_id}/complete/", {"sha256": sha256, "parts": parts})

    def abort_upload(self, upload_id: str) -> None:
        self._call("DELETE", f"/api/v1/uploads/{upload_id}/")

    def _call(self, method: str, path: str, body: dict | None = None, retry: bool = True) -> dict:
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            try:
                response = self.session.request(method, self.base_url + path, json=body, timeout=self.timeout)
            except requests.RequestException as error:
                if attempt + 1 == attempts:
                    raise ApiError(0, "unreachable", f"{method} {path}: {error}") from error
            else:
                if response.status_code not in RETRYABLE_STATUS or attempt + 1 == attempts:
                    return _decode(response)
            time.sleep(min(10.0, 0.5 * 2**attempt))
        raise AssertionError("unreachable")


def _decode(response: requests.Response) -> dict:
    if response.status_code == 204:
        return {}
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.ok:
        return data
    if not isinstance(data, dict):
        data = {}
    detail = data.get("detail") or response.text[:200] or response.reason
    raise ApiError(response.status_code, str(data.get("code", "error")), str(detail))
