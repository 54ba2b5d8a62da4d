"""Just enough ISO BMFF (fragmented MP4) to join chunk renditions into one.

A chunk's HLS rendition is ``ftyp moov`` (the init segment) followed by, per HLS
segment, ``sidx moof mdat`` (ffmpeg's single-file fMP4 layout).  Joining chunks
keeps every byte except three numbers per segment, all fixed-size fields rewritten
in place so sizes and the byte offsets inside ``moof`` stay valid:

    sidx.earliest_presentation_time   += the chunk's start on the programme timeline
    tfdt.baseMediaDecodeTime          += the same, in the track's timescale
    mfhd.sequence_number               = the fragment's number in the whole programme
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"moof", b"traf", b"mvex", b"edts"})


class Fmp4Error(ValueError):
    """The bytes are not the fragmented MP4 layout this module understands."""


@dataclass(frozen=True)
class Box:
    type: bytes
    start: int  # offset of the box header
    size: int
    header: int  # 8, or 16 for a 64-bit size

    @property
    def end(self) -> int:
        return self.start + self.size

    @property
    def body(self) -> int:
        return self.start + self.header


def boxes(data: bytes | bytearray | memoryview, start: int = 0, end: int | None = None):
    """The boxes laid end to end in ``data[start:end]``."""
    end = len(data) if end is None else end
    offset = start
    while offset < end:
        if end - offset < 8:
            raise Fmp4Error(f"truncated box header at {offset}")
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, offset + 8)[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            raise Fmp4Error(f"box {kind!r} at {offset} runs past its parent")
        yield Box(kind, offset, size, header)
        offset += size


def find(data, parent: Box | None, kind: bytes) -> list[Box]:
    start, end = (parent.body, parent.end) if parent else (0, len(data))
    return [box for box in boxes(data, start, end) if box.type == kind]


def one(data, parent: Box | None, kind: bytes) -> Box:
    found = find(data, parent, kind)
    if len(found) != 1:
        raise Fmp4Error(f"expected one {kind!r} box, found {len(found)}")
    return found[0]


@dataclass(frozen=True)
class Track:
    track_id: int
    timescale: int
    default_sample_duration: int


def init_tracks(init: bytes) -> dict[int, Track]:
    """Track id -> timescale and trex default duration, from an init segment's ``moov``."""
    moov = one(init, None, b"moov")
    defaults = {}
    for mvex in find(init, moov, b"mvex"):
        for trex in find(init, mvex, b"trex"):
            track_id, _, duration = struct.unpack_from(">III", init, trex.body + 4)
            defaults[track_id] = duration
    tracks = {}
    for trak in find(init, moov, b"trak"):
        tkhd = one(init, trak, b"tkhd")
        version = init[tkhd.body]
        track_id = struct.unpack_from(">I", init, tkhd.body + (20 if version == 1 else 12))[0]
        mdhd = one(init, one(init, trak, b"mdia"), b"mdhd")
        version = init[mdhd.body]
        timescale = struct.unpack_from(">I", init, mdhd.body + (20 if version == 1 else 12))[0]
        tracks[track_id] = Track(track_id, timescale, defaults.get(track_id, 0))
    return tracks


def split_init(data: bytes) -> int:
    """The init segment's length: everything before the first ``sidx``/``moof``."""
    for box in boxes(data):
        if box.type in (b"sidx", b"moof"):
            return box.start
    raise Fmp4Error("no fragments")


@dataclass(frozen=True)
class FragmentInfo:
    fragments: int
    samples: int
    duration: int  # in the track's timescale, summed over the samples
    first_decode_time: int | None  # after the shift
    sync_first: bool  # the first sample is a sync sample (keyframe)
    sequences: tuple[int, ...] = ()  # the fragments' numbers before renumbering

    def __add__(self, other: FragmentInfo) -> FragmentInfo:
        return FragmentInfo(
            self.fragments + other.fragments, self.samples + other.samples,
            self.duration + other.duration,
            self.first_decode_time if self.first_decode_time is not None else other.first_decode_time,
            self.sync_first if self.samples else other.sync_first, self.sequences + other.sequences)


NOTHING = FragmentInfo(0, 0, 0, None, False)


def shift(segment: bytearray, ticks: int, first_sequence: int, tracks: dict[int, Track]) -> FragmentInfo:
    """Move one or more ``[sidx] moof mdat`` groups by ``ticks`` and renumber their fragments.

    ``segment`` is changed in place.  Returns what the fragments hold, measured from
    their ``trun`` boxes, so the caller can check the chunk against its plan.
    """
    sequence, samples, duration, first_time, sync_first = first_sequence, 0, 0, None, False
    found = []
    for box in boxes(segment):
        if box.type == b"sidx":
            _shift_sidx(segment, box, ticks)
        elif box.type == b"moof":
            at = one(segment, box, b"mfhd").body + 4
            found.append(struct.unpack_from(">I", segment, at)[0])
            struct.pack_into(">I", segment, at, sequence)
            sequence += 1
            for traf in find(segment, box, b"traf"):
                track, defaults = _tfhd(segment, one(segment, traf, b"tfhd"), tracks)
                tfdt = one(segment, traf, b"tfdt")
                decode_time = _shift_tfdt(segment, tfdt, ticks)
                if first_time is None:
                    first_time = decode_time
                for trun in find(segment, traf, b"trun"):
                    count, total, sync = _trun(segment, trun, defaults)
                    if samples == 0:
                        sync_first = sync
                    samples += count
                    duration += total
        elif box.type not in (b"mdat", b"free", b"styp"):
            raise Fmp4Error(f"unexpected box {box.type!r} in a media segment")
    return FragmentInfo(sequence - first_sequence, samples, duration, first_time, sync_first, tuple(found))


def shift_in_file(fh, offset: int, length: int, ticks: int, first_sequence: int,
                  tracks: dict[int, Track]) -> FragmentInfo:
    """``shift`` for a segment in an open file (``r+b``): only its ``sidx``/``moof`` are read and rewritten."""
    held, position, end, sequence = NOTHING, offset, offset + length, first_sequence
    while position < end:
        fh.seek(position)
        head = fh.read(16)
        size, kind = struct.unpack_from(">I4s", head)
        if size == 1:
            size = struct.unpack_from(">Q", head, 8)[0]
        if size < 8 or position + size > end:
            raise Fmp4Error(f"box {kind!r} at {position} runs past its segment")
        if kind in (b"sidx", b"moof"):
            fh.seek(position)
            box = bytearray(fh.read(size))
            part = shift(box, ticks, sequence, tracks)
            sequence += part.fragments
            held = held + part
            fh.seek(position)
            fh.write(box)
        elif kind not in (b"mdat", b"free", b"styp"):
            raise Fmp4Error(f"unexpected box {kind!r} in a media segment")
        position += size
    return held


def _shift_sidx(data: bytearray, box: Box, ticks: int) -> None:
    version = data[box.body]
    at = box.body + 12  # version/flags, reference_ID, timescale
    if version == 0:
        value = struct.unpack_from(">I", data, at)[0] + ticks
        if not 0 <= value < 2**32:
            raise Fmp4Error("sidx time does not fit 32 bits")
        struct.pack_into(">I", data, at, value)
    else:
        struct.pack_into(">Q", data, at, struct.unpack_from(">Q", data, at)[0] + ticks)


def _shift_tfdt(data: bytearray, box: Box, ticks: int) -> int:
    version = data[box.body]
    at = box.body + 4
    if version == 0:
        value = struct.unpack_from(">I", data, at)[0] + ticks
        if not 0 <= value < 2**32:
            raise Fmp4Error("tfdt time does not fit 32 bits")
        struct.pack_into(">I", data, at, value)
    else:
        value = struct.unpack_from(">Q", data, at)[0] + ticks
        struct.pack_into(">Q", data, at, value)
    return value


# tfhd / trun flags (ISO/IEC 14496-12 8.8.7, 8.8.8)
_TFHD_BASE_OFFSET, _TFHD_DESCRIPTION, _TFHD_DURATION, _TFHD_SIZE, _TFHD_FLAGS = 0x1, 0x2, 0x8, 0x10, 0x20
_TRUN_DATA_OFFSET, _TRUN_FIRST_FLAGS, _TRUN_DURATION, _TRUN_SIZE, _TRUN_FLAGS, _TRUN_CTO = (
    0x1, 0x4, 0x100, 0x200, 0x400, 0x800)
_NON_SYNC = 0x00010000


def _tfhd(data, box: Box, tracks: dict[int, Track]) -> tuple[Track, dict[str, int]]:
    flags = int.from_bytes(data[box.body + 1:box.body + 4], "big")
    track_id = struct.unpack_from(">I", data, box.body + 4)[0]
    if track_id not in tracks:
        raise Fmp4Error(f"fragment of unknown track {track_id}")
    at = box.body + 8
    at += 8 if flags & _TFHD_BASE_OFFSET else 0
    at += 4 if flags & _TFHD_DESCRIPTION else 0
    duration = tracks[track_id].default_sample_duration
    if flags & _TFHD_DURATION:
        duration = struct.unpack_from(">I", data, at)[0]
        at += 4
    at += 4 if flags & _TFHD_SIZE else 0
    sample_flags = struct.unpack_from(">I", data, at)[0] if flags & _TFHD_FLAGS else 0
    return tracks[track_id], {"duration": duration, "flags": sample_flags}


def _trun(data, box: Box, defaults: dict[str, int]) -> tuple[int, int, bool]:
    flags = int.from_bytes(data[box.body + 1:box.body + 4], "big")
    count = struct.unpack_from(">I", data, box.body + 4)[0]
    at = box.body + 8
    at += 4 if flags & _TRUN_DATA_OFFSET else 0
    first_flags = None
    if flags & _TRUN_FIRST_FLAGS:
        first_flags = struct.unpack_from(">I", data, at)[0]
        at += 4
    per_sample = [f for f in (_TRUN_DURATION, _TRUN_SIZE, _TRUN_FLAGS, _TRUN_CTO) if flags & f]
    total, sync = 0, None
    for index in range(count):
        duration, sample_flags = defaults["duration"], defaults["flags"]
        for field in per_sample:
            value = struct.unpack_from(">I", data, at)[0]
            at += 4
            if field == _TRUN_DURATION:
                duration = value
            elif field == _TRUN_FLAGS:
                sample_flags = value
        if index == 0:
            if first_flags is not None:
                sample_flags = first_flags
            sync = not sample_flags & _NON_SYNC
        total += duration
    return count, total, bool(sync)


def avc_codec_string(init: bytes) -> str:
    """RFC 6381 ``avc1.PPCCLL`` from the init segment's ``avcC`` (as ffmpeg writes in CODECS)."""
    at = init.find(b"avcC")
    if at < 0:
        raise Fmp4Error("no avcC box")
    profile, compatibility, level = init[at + 5:at + 8]
    return f"avc1.{profile:02x}{compatibility:02x}{level:02x}"
