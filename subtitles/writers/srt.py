"""SubRip writer: italic, bold and underline as ``<i>``, ``<b>``, ``<u>`` (what SRT
players understand); SRT has no placement, so cue settings are not written."""
from ..markup import tagged
from ..model import SubtitleTrack
from .lines import anchored, clock, shown_spans, times


def write_srt(track: SubtitleTrack) -> str:
    blocks = []
    for number, cue in enumerate(track.cues, 1):
        start, end = times(cue)
        timing = f"{clock(start, ',')} --> {clock(end, ',')}"
        lines = [tagged(anchored(line, track)) for line in shown_spans(cue)]
        blocks.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(blocks) + "\n"
