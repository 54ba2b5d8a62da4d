"""The parallel part uploader: one sequential reader, a pool of PUTs, retries with backoff.

The file is read once, in order, so the whole-file SHA-256 is computed on the way while parts
go out in parallel: each part is handed to the pool before the reader hashes it, and its MD5 is
computed by the thread that sends it (or, for parts the server already has, checks it), so the
three overlap on several cores. About ``concurrency + 1`` parts are held in memory at any time.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping

import requests
from requests.adapters import HTTPAdapter

# Answers worth another try: transient server trouble, and bodies damaged on the way (S3 BadDigest).
RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}
RETRYABLE_CODES = ("BadDigest", "InvalidDigest", "checksum_mismatch", "incomplete_body", "IncompleteBody", "RequestTimeout")
REFRESH_MARGIN = 60  # seconds: URLs closer than this to expiry are renewed before use
_MD5_HEX = re.compile(r"^[0-9a-f]{32}$")


class UploadFailed(Exception):
    """The upload cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class PartTarget:
    number: int
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    expires_at: float | None = None


@dataclass(frozen=True)
class UploadedFile:
    sha256: str
    part_md5: dict[int, str]


def targets_from(parts: list[dict]) -> dict[int, PartTarget]:
    """Parse the ``parts`` list of an upload resource."""
    return {
        item["number"]: PartTarget(item["number"], item["url"], item.get("headers") or {}, _timestamp(item.get("expires_at")))
        for item in parts
    }


class PartUploader:
    def __init__(
        self,
        refresh_targets: Callable[[], Mapping[int, PartTarget]],
        *,
        concurrency: int = 4,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        timeout: tuple[float, float] = (10.0, 300.0),
        progress: Callable[[int], None] = lambda done: None,
        session: requests.Session | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.refresh_targets = refresh_targets
        self.concurrency = concurrency
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.progress = progress
        self.session = session or _pooled_session(concurrency)
        self._targets: dict[int, PartTarget] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def run(
        self,
        path: str | Path,
        part_size: int,
        part_count: int,
        targets: Mapping[int, PartTarget],
        received: Mapping[int, str] | None = None,
    ) -> UploadedFile:
        """Upload every part not in ``received`` (part number → ETag already on the server)."""
        received = received or {}
        self._targets = dict(targets)
        self._stop.clear()
        whole = hashlib.sha256()
        part_md5: dict[int, str] = {}
        slots = threading.Semaphore(self.concurrency + 1)
        failed = threading.Event()
        futures: list[Future] = []
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="part")

        def settle(future: Future) -> None:
            slots.release()
            if not future.cancelled() and future.exception():
                failed.set()

        try:
            with open(path, "rb") as source:
                for number in range(1, part_count + 1):
                    slots.acquire()
                    if failed.is_set():
                        break  # a part failed for good: stop reading, report it below
                    data = source.read(part_size)
                    if not data or number < part_count and len(data) != part_size:
                        raise UploadFailed(f"{path} is shorter than when the upload started")
                    # Handed to the pool first, so its MD5 and PUT overlap the SHA-256 below (hashlib drops the GIL).
                    if number in received:
                        future = pool.submit(self._check_received, number, data, received[number], part_md5)
                    else:
                        future = pool.submit(self._put_part, number, data, part_md5)
                    future.add_done_callback(settle)
                    futures.append(future)
                    whole.update(data)
                else:
                    if source.read(1):
                        raise UploadFailed(f"{path} is longer than when the upload started")
            wait(futures)
            for future in futures:
                if future.exception():
                    raise future.exception()  # type: ignore[misc]
        except BaseException:
            self._stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return UploadedFile(sha256=whole.hexdigest(), part_md5=part_md5)

    def _put_part(self, number: int, data: bytes, part_md5: dict[int, str]) -> None:
        # Hashed here rather than by the reader, so MD5s of parts run in parallel (hashlib drops the GIL).
        md5 = hashlib.md5(data, usedforsecurity=False).digest()
        part_md5[number] = md5.hex()
        headers_md5 = base64.b64encode(md5).decode()
        problem = ""
        for attempt in range(self.retries + 1):
            if self._stop.is_set():
                raise UploadFailed("stopped")
            target = self._target(number)
            try:
                response = self.session.put(
                    target.url, data=data, headers={**target.headers, "Content-MD5": headers_md5}, timeout=self.timeout
                )
            except requests.RequestException as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if response.ok:
                    etag = response.headers.get("ETag", "").strip('"')
                    if not _MD5_HEX.match(etag) or etag == md5.hex():
                        self.progress(len(data))
                        return
                    problem = f"the store reports ETag {etag}, expected {md5.hex()}"
                elif response.status_code == 403:
                    # An expired (or otherwise refused) signature: fetch a fresh URL and try again.
                    problem = f"HTTP 403 {response.text[:200]}"
                    self._refresh(target)
                elif response.status_code in RETRYABLE_STATUS or any(code in response.text for code in RETRYABLE_CODES):
                    problem = f"HTTP {response.status_code} {response.text[:200]}"
                else:
                    raise UploadFailed(f"part {number} refused: HTTP {response.status_code} {response.text[:300]}")
            if attempt < self.retries:
                self._stop.wait(self._delay(attempt))
        raise UploadFailed(f"part {number} failed after {self.retries + 1} attempts: {problem}")

    @staticmethod
    def _check_received(number: int, data: bytes, etag: str, part_md5: dict[int, str]) -> None:
        md5 = part_md5[number] = hashlib.md5(data, usedforsecurity=False).hexdigest()
        etag = etag.strip('"').lower()
        if _MD5_HEX.match(etag) and etag != md5:
            raise UploadFailed(
                f"part {number} on the server differs from the local file (it changed since the upload began); "
                "start a new upload without --resume"
            )

    def _target(self, number: int) -> PartTarget:
        with self._lock:
            target = self._targets.get(number)
        if target is None or target.expires_at is not None and target.expires_at - time.time() < REFRESH_MARGIN:
            self._refresh(target, number)
            with self._lock:
                target = self._targets.get(number)
            if target is None:
                raise UploadFailed(f"the server gave no URL for part {number}")
        return target

    def _refresh(self, stale: PartTarget | None, number: int | None = None) -> None:
        with self._lock:
            current = self._targets.get(number if stale is None else stale.number)
            # Another thread may have refreshed already while this one waited for the lock.
            if current is stale:
                self._targets.update(self.refresh_targets())

    def _delay(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)


def _pooled_session(concurrency: int) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=concurrency)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _timestamp(value: str | float | int | None) -> float | None:
    if value is None or isinstance(value, (int, float)):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
