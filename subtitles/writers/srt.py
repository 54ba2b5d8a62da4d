"""SubRip writer: italic, bold and underline as ``<i>``, ``<b>``, ``<u>`` (what SRT
players understand). SRT has no placement of its own: a cue whose settings are one of
the nine numpad positions (top, middle or bottom; left, centre or right) gets the
``{\\anN}`` override players and tools read; other placements are not written."""
from ..markup import settings_numpad, tagged
from ..model import SubtitleTrack
from .lines import anchored, clock, shown_spans, times


def write_srt(track: SubtitleTrack) -> str:
    blocks = []
    for number, cue in enumerate(track.cues, 1):
        start, end = times(cue)
        timing = f"{clock(start, ',')} --> {clock(end, ',')}"
        lines = [tagged(anchored(line, track)) for line in shown_spans(cue)]
        position = settings_numpad(cue.settings)
        if position and lines:
            lines[0] = f"{{\\an{position}}}{lines[0]}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(blocks) + "\n"
