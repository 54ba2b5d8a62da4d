"""Resume state: which upload id belongs to which local file, kept across crashes and Ctrl-C."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class ResumeState:
    upload_id: str
    api: str
    programme: str
    path: str
    size: int
    mtime_ns: int


class StateStore:
    """One small JSON file per local file, named by a hash of its path, size and mtime.

    A file that was modified since the upload started has another size or mtime, so it
    cannot be resumed onto parts of its older contents.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_directory()

    def load(self, path: str | Path) -> ResumeState | None:
        try:
            data = json.loads(self._file(path).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return ResumeState(**data)

    def save(self, state: ResumeState) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._file(state.path)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(state), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)

    def remove(self, path: str | Path) -> None:
        self._file(path).unlink(missing_ok=True)

    def _file(self, path: str | Path) -> Path:
        return self.directory / f"{file_identity(path)}.json"


def file_identity(path: str | Path) -> str:
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return hashlib.sha256(f"{resolved}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:32]


def default_directory() -> Path:
    if override := os.environ.get("EXCHANGE_STATE_DIR"):
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "exchange" / "uploads"
