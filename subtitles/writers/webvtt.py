"""WebVTT writer (cue identifiers are the cue numbers, as in the dialogue script).

Styling as ``<i>``/``<b>``/``<u>``, placement as cue settings, and the REGION
blocks the cues refer to (W3C WebVTT "WebVTT region definition block")."""
from ..markup import tagged, vtt_escape
from ..model import SubtitleTrack
from .lines import anchored, clock, shown_spans, times

_SETTING_ORDER = ("vertical", "line", "position", "size", "align")


def write_webvtt(track: SubtitleTrack) -> str:
    blocks = ["WEBVTT"]
    regions: dict[str, str] = {}
    for cue in track.cues:
        if cue.settings and cue.settings.region:
            definition = cue.settings.region
            regions.setdefault(definition.split()[0][3:], definition)
    blocks += [f"REGION\n{definition}" for definition in regions.values()]
    for number, cue in enumerate(track.cues, 1):
        start, end = times(cue)
        timing = f"{clock(start, '.')} --> {clock(end, '.')}{_settings(cue.settings)}"
        lines = [tagged(anchored(line, track), vtt_escape) for line in shown_spans(cue)]
        blocks.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(blocks) + "\n"


def _settings(settings) -> str:
    if not settings:
        return ""
    values = settings.as_dict()
    out = [f"{name}:{values[name]}" for name in _SETTING_ORDER if name in values]
    if settings.region:
        out.insert(0, f"region:{settings.region.split()[0][3:]}")
    return "".join(f" {item}" for item in out)
