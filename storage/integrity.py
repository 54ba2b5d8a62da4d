"""Checks run before completing a multipart upload, from part metadata only (no data is read)."""

from __future__ import annotations

from typing import Mapping, Sequence

from .base import Part, strip_etag
from .errors import ChecksumMismatch, InvalidPart, MissingParts, SizeMismatch
from .parts import PartPlan


def check_parts(plan: PartPlan, received: Sequence[Part], declared_md5: Mapping[int, str] | None = None) -> list[Part]:
    """Return the parts to complete, in order, once every part is present with the planned size.

    ``declared_md5`` maps part numbers to the MD5 hex the client computed from its file; a part
    whose stored ETag differs was changed between the client and the store.
    """
    by_number = {part.number: part for part in received}
    extra = sorted(set(by_number) - set(range(1, plan.count + 1)))
    if extra:
        raise InvalidPart(f"parts {_numbers(extra)} are outside 1..{plan.count}")
    missing = [number for number in range(1, plan.count + 1) if number not in by_number]
    if missing:
        raise MissingParts(f"parts {_numbers(missing)} of {plan.count} have not been received")
    parts = [by_number[number] for number in range(1, plan.count + 1)]
    for part in parts:
        expected = plan.size_of(part.number)
        if part.size != expected:
            raise SizeMismatch(f"part {part.number} is {part.size} bytes, expected {expected}")
    if declared_md5 is not None:
        _check_md5(parts, declared_md5)
    return parts


def _check_md5(parts: Sequence[Part], declared_md5: Mapping[int, str]) -> None:
    undeclared = [part.number for part in parts if part.number not in declared_md5]
    if undeclared:
        raise ChecksumMismatch(f"no MD5 declared for parts {_numbers(undeclared)}")
    changed = [part.number for part in parts if strip_etag(part.etag).lower() != declared_md5[part.number].lower()]
    if changed:
        raise ChecksumMismatch(f"parts {_numbers(changed)} differ from the client's file (MD5 mismatch)")


def _numbers(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:20])
    return shown + (f" and {len(numbers) - 20} more" if len(numbers) > 20 else "")
