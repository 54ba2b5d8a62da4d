"""HMAC-SHA256 signed URLs for the filesystem store (its stand-in for S3 presigned URLs)."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Callable

from .errors import SignatureExpired, SignatureInvalid


class UrlSigner:
    """Signs ``method`` + ``resource`` + expiry; ``resource`` names what the URL grants (a part, an object)."""

    def __init__(self, secret: str | bytes, clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("a signing secret is required")
        self._secret = secret.encode() if isinstance(secret, str) else secret
        self._clock = clock

    def expiry(self, expires_in: int) -> int:
        return int(self._clock()) + expires_in

    def sign(self, method: str, resource: str, expires: int) -> str:
        message = "\n".join((method.upper(), resource, str(expires))).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def verify(self, method: str, resource: str, expires: str | int | None, signature: str | None) -> None:
        """Raise ``SignatureInvalid`` for a forged or altered URL, ``SignatureExpired`` for a stale one."""
        try:
            expires_at = int(expires)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SignatureInvalid("missing or malformed expiry") from None
        if not signature or not hmac.compare_digest(self.sign(method, resource, expires_at), signature):
            raise SignatureInvalid()
        # Checked after the signature so an attacker cannot probe expiry handling with forged URLs.
        if self._clock() > expires_at:
            raise SignatureExpired()
