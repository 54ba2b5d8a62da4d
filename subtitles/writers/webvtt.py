"""WebVTT writer (cue identifiers are the cue numbers, as in the dialogue script)."""
from ..markup import vtt_escape
from ..model import SubtitleTrack
from .lines import clock, display_lines


def write_webvtt(track: SubtitleTrack) -> str:
    blocks = ["WEBVTT"]
    for number, cue in enumerate(track.cues, 1):
        timing = f"{clock(cue.start_ms, '.')} --> {clock(cue.end_ms, '.')}"
        blocks.append("\n".join([str(number), timing, *(vtt_escape(line) for line in display_lines(cue, track))]))
    return "\n\n".join(blocks) + "\n"
