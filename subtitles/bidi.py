"""Right-to-left text in formats that carry no direction of their own (SRT, WebVTT).

Policy (deliberate, documented for partners):

* Bidi control characters in the source (RLM, LRM, ALM, RLE/LRE/PDF, RLI/LRI/FSI/PDI)
  are never removed or reordered: the internal text is the text as authored.
* SRT and WebVTT have no direction attribute. Players either take the paragraph
  direction from the first strong character (UAX #9 P2/P3) or force left-to-right;
  in both cases a line of an RTL track that begins or ends with a neutral
  (punctuation, digits, a dialogue dash) or a Latin word shows its punctuation on
  the wrong side. So on RTL tracks the SRT/WebVTT writers make every line begin and
  end with a right-to-left strong character, adding a RIGHT-TO-LEFT MARK (U+200F)
  where the line does not already. RLM is itself strong RTL, so this is idempotent:
  a converted file converts again unchanged.
* TTML carries direction natively (``tts:direction="rtl"`` plus ``xml:lang``), so
  the TTML writer adds nothing to the text.
"""
import unicodedata

RLM = "\u200f"
_RTL_STRONG = frozenset({"R", "AL"})
# Harakat and other combining marks take the direction of the letter they sit on.
_TRANSPARENT = frozenset({"NSM", "BN"})


def _edge_is_rtl_strong(chars) -> bool:
    for ch in chars:
        bidi = unicodedata.bidirectional(ch)
        if bidi not in _TRANSPARENT:
            return bidi in _RTL_STRONG
    return False


def anchor_rtl_line(line: str) -> str:
    """Add RLM at whichever edge of ``line`` is not already RTL-strong."""
    if not line:
        return line
    if not _edge_is_rtl_strong(line):
        line = RLM + line
    if not _edge_is_rtl_strong(reversed(line)):
        line = line + RLM
    return line
