"""WebVTT (.vtt)."""
from collections.abc import Iterator

from ..errors import SubtitleParseError
from ..markup import VTT_TAGS, vtt_plain
from .parsed import Parsed
from .cue_blocks import ARROW, Line, blocks, cues_from_blocks

_NON_CUE_BLOCKS = ("NOTE", "STYLE", "REGION")


def read_webvtt(text: str) -> Parsed:
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not (first_line.startswith("WEBVTT") and first_line[6:7] in ("", " ", "\t")):
        raise SubtitleParseError("a WebVTT file must start with 'WEBVTT'", 1)
    return cues_from_blocks(text, _cue_blocks(text), separators=".", allow_identifier=True,
                            known_tags=VTT_TAGS, plain=vtt_plain)


def _cue_blocks(text: str) -> Iterator[list[Line]]:
    for position, block in enumerate(blocks(text)):
        head = block[0][1]
        if position == 0:
            if any(ARROW in line for _, line in block):
                yield block[1:]  # first cue written without a blank line after the header
            continue
        if ARROW in head:
            yield block
        elif head.startswith(_NON_CUE_BLOCKS):
            continue  # the header (WEBVTT, X-TIMESTAMP-MAP...), comments, styles, regions
        else:
            yield block
