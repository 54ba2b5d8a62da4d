"""SubRip (.srt). SRT has no placement of its own; the ``{\\anN}`` override that subtitle
tools write at the start of a cue (ASS numpad position: ``{\\an8}`` top centre) is read
as WebVTT-style settings, and written back by the SRT writer."""
from dataclasses import replace

from ..markup import ASS_AN, SRT_TAGS, numpad_settings, srt_plain
from .cue_blocks import blocks, cues_from_blocks
from .parsed import Parsed


def read_srt(text: str) -> Parsed:
    parsed = cues_from_blocks(text, blocks(text), separators=",.", allow_identifier=False,
                              known_tags=SRT_TAGS, plain=srt_plain)
    for position, cue in enumerate(parsed.cues):
        override = ASS_AN.search(cue.raw_lines[0]) if cue.raw_lines else None
        if override:
            parsed.cues[position] = replace(cue, settings=numpad_settings(int(override.group(1))))
    return parsed
