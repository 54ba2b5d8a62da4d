"""Storage keys, built by the server: a client's file name never becomes a path as given."""

import re
import unicodedata
import uuid

from backend.catalogue.models import Programme

MAX_NAME_LENGTH = 120
# Zero-width (non-)joiners are part of how Urdu and Persian words are spelt; other format
# characters (bidi overrides such as U+202E) can disguise a name, so they go.
_JOINERS = {"\u200c", "\u200d"}


def _kept(char: str) -> bool:
    # Letters, combining marks (Arabic harakat) and digits of every script stay readable.
    return char in "._-" or char in _JOINERS or unicodedata.category(char)[0] in "LMN"


def safe_filename(filename: str) -> str:
    """A single path segment made from ``filename``: no separators, dot-segments or control characters."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"_{2,}", "_", "".join(char if _kept(char) else "_" for char in name)).strip("._") or "source"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:16] if dot else ""
        name = (stem if dot else name)[: MAX_NAME_LENGTH - len(extension) - 1].rstrip("._") + (f".{extension}" if extension else "")
    return name


def source_key(programme: Programme, upload_id: uuid.UUID, filename: str) -> str:
    return f"partners/{programme.owner.code}/programmes/{programme.pk}/sources/{upload_id}/{safe_filename(filename)}"
