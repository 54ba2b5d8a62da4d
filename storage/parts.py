"""Part-size policy: how a file of a given size is cut into parts within the S3 limits."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FileTooLarge, InvalidPart

MiB = 1024 * 1024
GiB = 1024 * MiB
TiB = 1024 * GiB

# Amazon S3 multipart limits, shared by MinIO, Ceph RGW and OSS.
S3_MAX_PARTS = 10_000
S3_MIN_PART_SIZE = 5 * MiB  # every part but the last
S3_MAX_PART_SIZE = 5 * GiB
S3_MAX_OBJECT_SIZE = 5 * TiB


@dataclass(frozen=True)
class PartPlan:
    """The cut of one file: ``count`` parts of ``part_size`` bytes, the last one possibly shorter."""

    file_size: int
    part_size: int

    @property
    def count(self) -> int:
        return max(1, -(-self.file_size // self.part_size))

    def size_of(self, number: int) -> int:
        offset = self.offset_of(number)
        return min(self.part_size, self.file_size - offset)

    def offset_of(self, number: int) -> int:
        if not 1 <= number <= self.count:
            raise InvalidPart(f"part {number} is outside 1..{self.count}")
        return (number - 1) * self.part_size


@dataclass(frozen=True)
class PartPolicy:
    """Chooses the part size for a file.

    ``part_size`` is the preferred size; it grows (in whole MiB) only when the file would otherwise
    need more than ``max_parts`` parts. Tests of the filesystem store may lower ``min_part_size``;
    an S3 store needs the defaults.
    """

    part_size: int = 16 * MiB
    max_file_size: int = S3_MAX_OBJECT_SIZE
    min_part_size: int = S3_MIN_PART_SIZE
    max_part_size: int = S3_MAX_PART_SIZE
    max_parts: int = S3_MAX_PARTS

    def __post_init__(self) -> None:
        if not self.min_part_size <= self.part_size <= self.max_part_size:
            raise ValueError(f"part_size {self.part_size} is outside {self.min_part_size}..{self.max_part_size}")

    def plan(self, file_size: int) -> PartPlan:
        if file_size < 1:
            raise InvalidPart("an upload needs at least one byte")
        if file_size > self.max_file_size:
            raise FileTooLarge(f"{file_size} bytes exceeds the maximum upload size of {self.max_file_size} bytes")
        part_size = self.part_size
        needed = -(-file_size // self.max_parts)
        if needed > part_size:
            part_size = -(-needed // MiB) * MiB
        if part_size > self.max_part_size:
            raise FileTooLarge(
                f"{file_size} bytes needs parts over {self.max_part_size} bytes with {self.max_parts} parts"
            )
        return PartPlan(file_size=file_size, part_size=part_size)
