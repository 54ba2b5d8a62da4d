"""The embedded default: objects on the local filesystem, uploaded with the same protocol as S3.

Clients PUT parts to URLs signed by :class:`~storage.signing.UrlSigner` on the API
itself; the API mounts two small views on top of this class:

* ``PUT {part_base_url}<upload_id>/<part_number>?expires=…&signature=…`` →
  :meth:`FilesystemStorage.authorize_part` then :meth:`FilesystemStorage.receive_part`,
  answering 200 with ``ETag: "<md5>"``;
* ``GET {download_base_url}?key=…&filename=…&expires=…&signature=…`` →
  :meth:`FilesystemStorage.authorize_download` then stream :meth:`FilesystemStorage.open`
  with ``Content-Disposition: content_disposition(filename)``.

Layout under ``root``: ``objects/<key>`` (data), ``meta/<key>.json`` (type, ETag, SHA-256),
``uploads/<upload_id>/`` (``upload.json``, ``00001.part`` + ``00001.json`` per part).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import re
import shutil
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

from .base import ObjectInfo, Part, Storage, strip_etag, validate_key
from .errors import ChecksumMismatch, IncompleteBody, InvalidKey, InvalidPart, NoSuchKey, NoSuchUpload
from .parts import S3_MAX_PART_SIZE, S3_MAX_PARTS
from .signing import UrlSigner

_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
_PART_DATA = re.compile(r"^(\d{5})\.json$")


@dataclass(frozen=True)
class ReceivedPart:
    number: int
    size: int
    etag: str  # MD5 hex, as S3 reports it
    sha256: str


class FilesystemStorage(Storage):
    def __init__(
        self,
        root: str | Path,
        *,
        secret: str | bytes,
        part_base_url: str,
        download_base_url: str,
        chunk_size: int = 1024 * 1024,
        max_part_size: int = S3_MAX_PART_SIZE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = Path(root).resolve()
        self.objects = self.root / "objects"
        self.meta = self.root / "meta"
        self.uploads = self.root / "uploads"
        for directory in (self.objects, self.meta, self.uploads):
            directory.mkdir(parents=True, exist_ok=True)
        self.signer = UrlSigner(secret, clock)
        self.part_base_url = part_base_url
        self.download_base_url = download_base_url
        self.chunk_size = chunk_size
        self.max_part_size = max_part_size

    # -- multipart ---------------------------------------------------------------------------

    def create_multipart(self, key: str, content_type: str) -> str:
        self._path(key)
        upload_id = uuid.uuid4().hex
        directory = self.uploads / upload_id
        directory.mkdir()
        _write_json(directory / "upload.json", {"key": key, "content_type": content_type})
        return upload_id

    def part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        self._upload(key, upload_id)
        expires = self.signer.expiry(expires_in)
        signature = self.signer.sign("PUT", _part_resource(upload_id, part_number), expires)
        query = urllib.parse.urlencode({"expires": expires, "signature": signature})
        return f"{self.part_base_url}{upload_id}/{part_number}?{query}"

    def authorize_part(self, upload_id: str, part_number: int, expires: str | None, signature: str | None) -> None:
        """Check a part URL's signature; raises ``SignatureInvalid`` or ``SignatureExpired``."""
        self.signer.verify("PUT", _part_resource(upload_id, part_number), expires, signature)

    def receive_part(
        self,
        upload_id: str,
        part_number: int,
        stream: BinaryIO,
        content_length: int,
        content_md5: str | None = None,
    ) -> ReceivedPart:
        """Stream exactly ``content_length`` bytes of a part to disk, hashing as they arrive.

        ``content_md5`` is the optional base64 ``Content-MD5`` header; a mismatch discards the part.
        """
        directory = self._upload_dir(upload_id)
        _check_part_number(part_number)
        if not 0 <= content_length <= self.max_part_size:
            raise InvalidPart(f"a part must be at most {self.max_part_size} bytes")
        md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
        temporary = directory / f"{part_number:05d}.{uuid.uuid4().hex}.tmp"
        try:
            with open(temporary, "wb") as out:
                remaining = content_length
                while remaining:
                    chunk = stream.read(min(self.chunk_size, remaining))
                    if not chunk:
                        raise IncompleteBody(f"body ended {remaining} bytes before Content-Length")
                    out.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    remaining -= len(chunk)
            if content_md5 is not None and _decode_md5(content_md5) != md5.digest():
                raise ChecksumMismatch(f"part {part_number} does not match its Content-MD5")
            os.replace(temporary, directory / f"{part_number:05d}.part")
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        part = ReceivedPart(part_number, content_length, md5.hexdigest(), sha256.hexdigest())
        _write_json(directory / f"{part_number:05d}.json", {"size": part.size, "etag": part.etag, "sha256": part.sha256})
        return part

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        directory = self._upload(key, upload_id)
        parts = []
        for entry in sorted(os.listdir(directory)):
            match = _PART_DATA.match(entry)
            if match and (directory / f"{match.group(1)}.part").exists():
                meta = _read_json(directory / entry)
                parts.append(Part(number=int(match.group(1)), size=meta["size"], etag=meta["etag"]))
        return parts

    def complete_multipart(self, key: str, upload_id: str, parts: Sequence[Part]) -> ObjectInfo:
        directory = self._upload(key, upload_id)
        stored = {part.number: part for part in self.list_parts(key, upload_id)}
        numbers = [part.number for part in parts]
        if not parts or numbers != sorted(set(numbers)):
            raise InvalidPart("parts must be listed once each, in ascending order")
        for part in parts:
            if part.number not in stored or stored[part.number].etag != strip_etag(part.etag):
                raise InvalidPart(f"part {part.number} was not uploaded with ETag {part.etag}")
        content_type = _read_json(directory / "upload.json")["content_type"]
        part_md5s = b"".join(binascii.unhexlify(stored[number].etag) for number in numbers)
        etag = f"{hashlib.md5(part_md5s, usedforsecurity=False).hexdigest()}-{len(parts)}"
        sources = [directory / f"{number:05d}.part" for number in numbers]
        with _ConcatenatedFiles(sources) as source:
            info = self._write_object(key, source, content_type, etag=etag)
        shutil.rmtree(directory, ignore_errors=True)
        return info

    def abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            directory = self._upload(key, upload_id)
        except NoSuchUpload:
            return
        shutil.rmtree(directory, ignore_errors=True)

    # -- objects -----------------------------------------------------------------------------

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise NoSuchKey(key) from None
        meta = _read_json(self._meta_path(key)) if self._meta_path(key).exists() else {}
        return ObjectInfo(
            key=key,
            size=stat.st_size,
            etag=meta.get("etag", ""),
            content_type=meta.get("content_type", "application/octet-stream"),
            last_modified=datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc),
            sha256=meta.get("sha256"),
        )

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise NoSuchKey(key) from None

    def download_url(self, key: str, expires_in: int, filename: str) -> str:
        self._path(key)
        expires = self.signer.expiry(expires_in)
        signature = self.signer.sign("GET", _object_resource(key, filename), expires)
        query = urllib.parse.urlencode({"key": key, "filename": filename, "expires": expires, "signature": signature})
        return f"{self.download_base_url}?{query}"

    def authorize_download(self, key: str, filename: str, expires: str | None, signature: str | None) -> None:
        """Check a download URL's signature; raises ``SignatureInvalid`` or ``SignatureExpired``."""
        self.signer.verify("GET", _object_resource(key, filename), expires, signature)

    def put_file(self, key: str, path: str | Path, content_type: str = "application/octet-stream") -> ObjectInfo:
        with open(path, "rb") as source:
            return self._write_object(key, source, content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> ObjectInfo:
        return self._write_object(key, io.BytesIO(data), content_type)

    def local_path(self, key: str) -> Path:
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        self._meta_path(key).unlink(missing_ok=True)

    def ping(self) -> bool:
        return all(os.access(directory, os.W_OK) for directory in (self.objects, self.meta, self.uploads))

    def sha256(self, key: str) -> str:
        info = self.head(key)
        return info.sha256 or super().sha256(key)

    # -- helpers -----------------------------------------------------------------------------

    def _write_object(self, key: str, source: BinaryIO, content_type: str, etag: str | None = None) -> ObjectInfo:
        """Copy ``source`` into place chunk by chunk, hashing on the way; the rename makes it atomic."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        md5, sha256, size = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
        try:
            with open(temporary, "wb") as out:
                while chunk := source.read(self.chunk_size):
                    out.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    size += len(chunk)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        meta = {"content_type": content_type, "etag": etag or md5.hexdigest(), "sha256": sha256.hexdigest()}
        meta_path = self._meta_path(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(meta_path, meta)
        return ObjectInfo(key, size, meta["etag"], content_type, datetime.now(timezone.utc), meta["sha256"])

    def _path(self, key: str) -> Path:
        validate_key(key)
        path = (self.objects / key).resolve()
        # resolve() follows symlinks too, so a link planted inside the root cannot lead out of it.
        if not path.is_relative_to(self.objects) or path == self.objects:
            raise InvalidKey(f"key {key!r} escapes the storage root")
        return path

    def _meta_path(self, key: str) -> Path:
        return self.meta / f"{validate_key(key)}.json"

    def _upload_dir(self, upload_id: str) -> Path:
        directory = self.uploads / upload_id
        if not _UPLOAD_ID.match(upload_id) or not (directory / "upload.json").exists():
            raise NoSuchUpload(f"no upload {upload_id!r}")
        return directory

    def _upload(self, key: str, upload_id: str) -> Path:
        directory = self._upload_dir(upload_id)
        if _read_json(directory / "upload.json")["key"] != key:
            raise NoSuchUpload(f"no upload {upload_id!r} for this key")
        return directory


class _ConcatenatedFiles(io.RawIOBase):
    """Reads several files one after the other without loading any of them."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._current: BinaryIO | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self._paths or self._current:
            if self._current is None:
                self._current = open(self._paths.pop(0), "rb")
            chunk = self._current.read(size)
            if chunk:
                return chunk
            self._current.close()
            self._current = None
        return b""

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


def _part_resource(upload_id: str, part_number: int) -> str:
    return f"part/{upload_id}/{part_number}"


def _object_resource(key: str, filename: str) -> str:
    return "object?" + urllib.parse.urlencode({"key": key, "filename": filename})


def _check_part_number(part_number: int) -> None:
    if not 1 <= part_number <= S3_MAX_PARTS:
        raise InvalidPart(f"part number {part_number} is outside 1..{S3_MAX_PARTS}")


def _decode_md5(header: str) -> bytes:
    try:
        return base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):
        raise ChecksumMismatch("Content-MD5 is not valid base64") from None


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
