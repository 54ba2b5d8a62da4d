"""One file upload from start (or resume) to completion, on top of the API and the part uploader."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from .api import ExchangeApi
from .engine import PartUploader, UploadFailed, targets_from
from .state import ResumeState, StateStore


class Progress(Protocol):
    def update(self, n: int) -> object: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int, int, str], Progress]  # (total bytes, bytes already sent, label)


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class UploadOptions:
    concurrency: int = 4
    retries: int = 5
    resume: bool = False
    content_type: str | None = None


def upload_file(
    api: ExchangeApi,
    path: str | Path,
    programme: str,
    options: UploadOptions = UploadOptions(),
    states: StateStore | None = None,
    progress: ProgressFactory = lambda total, done, label: _NoProgress(),
) -> dict:
    """Upload ``path`` as a master of ``programme`` and return the API's completion answer."""
    path = Path(path)
    states = states or StateStore()
    size = path.stat().st_size
    upload = _resume(api, path, programme, states) if options.resume else _start(api, path, programme, size, options, states)
    if upload.get("state") == "completed":
        states.remove(path)
        return upload
    part_size, part_count = upload["part_size"], upload["part_count"]
    if not (part_count - 1) * part_size < size <= part_count * part_size:
        raise UploadFailed(f"upload {upload['id']} is cut for another file size than {size} bytes")
    received = {item["number"]: item["etag"] for item in upload.get("received", [])}
    already = sum(item["size"] for item in upload.get("received", []))
    bar = progress(size, already, path.name)
    try:
        uploader = PartUploader(
            lambda: targets_from(api.get_upload(upload["id"])["parts"]),
            concurrency=options.concurrency,
            retries=options.retries,
            progress=bar.update,
        )
        result = uploader.run(path, part_size, part_count, targets_from(upload["parts"]), received)
    finally:
        bar.close()
    parts = [{"number": number, "md5": md5} for number, md5 in sorted(result.part_md5.items())]
    completed = api.complete_upload(upload["id"], sha256=result.sha256, parts=parts)
    states.remove(path)
    return completed


def _start(api: ExchangeApi, path: Path, programme: str, size: int, options: UploadOptions, states: StateStore) -> dict:
    content_type = options.content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    upload = api.create_upload(programme, filename=path.name, size=size, content_type=content_type)
    # Saved before the first byte is sent, so a crash at any later point can be resumed.
    stat = path.stat()
    states.save(ResumeState(upload["id"], api.base_url, str(programme), str(path.resolve()), stat.st_size, stat.st_mtime_ns))
    return upload


def _resume(api: ExchangeApi, path: Path, programme: str, states: StateStore) -> dict:
    state = states.load(path)
    if state is None:
        raise UploadFailed(f"no interrupted upload of {path} (same path, size and mtime) to resume")
    if state.api != api.base_url or state.programme != str(programme):
        raise UploadFailed(f"the interrupted upload of {path} went to programme {state.programme} at {state.api}")
    return api.get_upload(state.upload_id)
