"""SubRip (.srt)."""
from ..markup import SRT_TAGS, srt_plain
from .parsed import Parsed
from .cue_blocks import blocks, cues_from_blocks


def read_srt(text: str) -> Parsed:
    return cues_from_blocks(text, blocks(text), separators=",.", allow_identifier=False,
                            known_tags=SRT_TAGS, plain=srt_plain)
