"""The filesystem store's multipart uploads: one folder per upload, one file per part.

Layout under the store's ``uploads/``: ``<upload_id>/upload.json`` (key, content type) and per
part ``00001.part`` (bytes) + ``00001.json`` (size, MD5 ETag, SHA-256), written only once the
whole part arrived, so a part is either complete or absent.
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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Sequence

from .base import Part, strip_etag
from .errors import ChecksumMismatch, IncompleteBody, InvalidPart, NoSuchUpload
from .parts import S3_MAX_PART_SIZE, S3_MAX_PARTS

_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
_PART_DATA = re.compile(r"^(\d{5})\.json$")


@dataclass(frozen=True)
class ReceivedPart:
    number: int
    size: int
    etag: str  # MD5 hex, as S3 reports it
    sha256: str


@dataclass(frozen=True)
class Assembly:
    """What completing an upload concatenates: the parts' files in order, and the S3-style ETag."""

    content_type: str
    paths: list[Path]
    etag: str


class PartsFolder:
    def __init__(self, root: Path, *, chunk_size: int, max_part_size: int = S3_MAX_PART_SIZE) -> None:
        self.root = root
        self.chunk_size = chunk_size
        self.max_part_size = max_part_size

    def create(self, key: str, content_type: str) -> str:
        upload_id = uuid.uuid4().hex
        directory = self.root / upload_id
        directory.mkdir(parents=True)
        write_json(directory / "upload.json", {"key": key, "content_type": content_type})
        return upload_id

    def receive(
        self, upload_id: str, part_number: int, stream: BinaryIO, content_length: int, content_md5: str | None = None
    ) -> ReceivedPart:
        """Stream exactly ``content_length`` bytes of a part to disk, hashing as they arrive.

        ``content_md5`` is the optional base64 ``Content-MD5`` header; a mismatch discards the part.
        """
        directory = self._directory(upload_id)
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
        write_json(directory / f"{part_number:05d}.json", {"size": part.size, "etag": part.etag, "sha256": part.sha256})
        return part

    def check(self, key: str, upload_id: str) -> None:
        """Raise ``NoSuchUpload`` unless ``upload_id`` is an open upload to ``key``."""
        self._directory(upload_id, key)

    def list(self, key: str, upload_id: str) -> list[Part]:
        directory = self._directory(upload_id, key)
        parts = []
        for entry in sorted(os.listdir(directory)):
            match = _PART_DATA.match(entry)
            if match and (directory / f"{match.group(1)}.part").exists():
                meta = read_json(directory / entry)
                parts.append(Part(number=int(match.group(1)), size=meta["size"], etag=meta["etag"]))
        return parts

    def assembly(self, key: str, upload_id: str, parts: Sequence[Part]) -> Assembly:
        """Check that ``parts`` were received as listed (numbers ascending, ETags matching)."""
        directory = self._directory(upload_id, key)
        stored = {part.number: part for part in self.list(key, upload_id)}
        numbers = [part.number for part in parts]
        if not parts or numbers != sorted(set(numbers)):
            raise InvalidPart("parts must be listed once each, in ascending order")
        for part in parts:
            if part.number not in stored or stored[part.number].etag != strip_etag(part.etag):
                raise InvalidPart(f"part {part.number} was not uploaded with ETag {part.etag}")
        # S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-<count>".
        part_md5s = b"".join(binascii.unhexlify(stored[number].etag) for number in numbers)
        etag = f"{hashlib.md5(part_md5s, usedforsecurity=False).hexdigest()}-{len(parts)}"
        content_type = read_json(directory / "upload.json")["content_type"]
        return Assembly(content_type, [directory / f"{number:05d}.part" for number in numbers], etag)

    def remove(self, key: str, upload_id: str) -> None:
        """Free an upload's parts; a finished or unknown upload is a no-op."""
        try:
            directory = self._directory(upload_id, key)
        except NoSuchUpload:
            return
        shutil.rmtree(directory, ignore_errors=True)

    def _directory(self, upload_id: str, key: str | None = None) -> Path:
        directory = self.root / upload_id
        if not _UPLOAD_ID.match(upload_id) or not (directory / "upload.json").exists():
            raise NoSuchUpload(f"no upload {upload_id!r}")
        if key is not None and read_json(directory / "upload.json")["key"] != key:
            raise NoSuchUpload(f"no upload {upload_id!r} for this key")
        return directory


class ConcatenatedFiles(io.RawIOBase):
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


def _check_part_number(part_number: int) -> None:
    if not 1 <= part_number <= S3_MAX_PARTS:
        raise InvalidPart(f"part number {part_number} is outside 1..{S3_MAX_PARTS}")


def _decode_md5(header: str) -> bytes:
    try:
        return base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):
        raise ChecksumMismatch("Content-MD5 is not valid base64") from None


def write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
