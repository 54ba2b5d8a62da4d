"""SubRip writer."""
from ..model import SubtitleTrack
from .lines import clock, display_lines


def write_srt(track: SubtitleTrack) -> str:
    blocks = []
    for number, cue in enumerate(track.cues, 1):
        timing = f"{clock(cue.start_ms, ',')} --> {clock(cue.end_ms, ',')}"
        blocks.append("\n".join([str(number), timing, *display_lines(cue, track)]))
    return "\n\n".join(blocks) + "\n"
