"""Builders for the broadcast formats, made from their specifications in the tests
rather than shipped as binary fixtures.

* SCC: CEA-608 byte pairs, each byte with odd parity in bit 7, as hex words after an
  SMPTE timecode and a tab (Scenarist SCC V1.0).
* EBU STL: a 1024-byte GSI block and 128-byte TTI blocks, EBU Tech 3264.
"""
import struct
import unicodedata

# CEA-608 channel 1 control codes (before parity): Resume Caption Loading, Erase
# Non-displayed Memory, End Of Caption, Erase Displayed Memory; PACs for rows 14 and 15
# (white, column 0); mid-row code for white italics and its plain-white counterpart.
RCL, ENM, EOC, EDM = 0x1420, 0x142E, 0x142F, 0x142C
PAC_ROW = {14: 0x1440, 15: 0x1460}
ITALICS, PLAIN = 0x112E, 0x1120
# CEA-608 characters that differ from ASCII in the basic set (CEA-608 table 50).
_CEA608 = {"á": 0x2A, "é": 0x5C, "í": 0x5E, "ó": 0x5F, "ú": 0x60, "ç": 0x7B, "÷": 0x7C, "Ñ": 0x7D, "ñ": 0x7E}
_CEA608_SPECIAL = {"¿": 0x1133, "è": 0x113A, "â": 0x113B, "ê": 0x113C, "ô": 0x113E, "û": 0x113F, "à": 0x1138}


def _parity(byte: int) -> int:
    return byte | 0x80 if bin(byte).count("1") % 2 == 0 else byte


def _word(value: int) -> str:
    return f"{_parity(value >> 8):02x}{_parity(value & 0xFF):02x}"


def scc_text_words(text: str) -> list[str]:
    """Characters two to a word; special characters take a word of their own (sent twice,
    like control codes, as CEA-608 recommends, the repeat is ignored by decoders)."""
    words, pending = [], []
    for ch in text:
        if ch in _CEA608_SPECIAL:
            if pending:
                words.append(_pair(pending))
                pending = []
            words += [_word(_CEA608_SPECIAL[ch])] * 2
            continue
        pending.append(_CEA608.get(ch, ord(ch)))
        if len(pending) == 2:
            words.append(_pair(pending))
            pending = []
    if pending:
        words.append(_pair(pending + [0]))
    return words


def _pair(codes: list[int]) -> str:
    return f"{_parity(codes[0]):02x}{_parity(codes[1]) if codes[1] else 0:02x}"


def control(value: int) -> list[str]:
    return [_word(value)] * 2  # control codes are sent twice


def pop_on(timecode: str, rows: list[tuple[int, str]], italic_row: int | None = None) -> str:
    """A pop-on caption: loaded off screen, shown on End Of Caption."""
    words = control(RCL) + control(ENM)
    for row, text in rows:
        words += control(PAC_ROW[row])
        if row == italic_row:
            words += control(ITALICS)
        words += scc_text_words(text)
    words += control(EOC)
    return f"{timecode}\t{' '.join(words)}"


def erase(timecode: str) -> str:
    return f"{timecode}\t{' '.join(control(EDM))}"


def scc(*lines: str) -> str:
    return "Scenarist_SCC V1.0\n\n" + "\n\n".join(lines) + "\n"


def drop_frame_number(timecode: str) -> int:
    """SMPTE 12M drop-frame label HH:MM:SS;FF at 29.97 → frame count: frame numbers 0
    and 1 are skipped at the start of every minute except minutes 0, 10, 20..."""
    hours, minutes, seconds, frames = map(int, timecode.replace(";", ":").split(":"))
    total_minutes = hours * 60 + minutes
    return (total_minutes * 60 + seconds) * 30 + frames - 2 * (total_minutes - total_minutes // 10)


def frame_ms(frame: int, rate_num: int = 30000, rate_den: int = 1001) -> int:
    return round(frame * rate_den * 1000 / rate_num)


# --- EBU STL (Tech 3264) ---------------------------------------------------------------

# ISO 6937 non-spacing diacritics (code table 00): the accent byte precedes the letter.
_ISO6937_ACCENTS = {"\u0300": 0xC1, "\u0301": 0xC2, "\u0302": 0xC3, "\u0303": 0xC4, "\u0304": 0xC5,
                    "\u0306": 0xC6, "\u0307": 0xC7, "\u0308": 0xC8, "\u030a": 0xCA, "\u0327": 0xCB,
                    "\u030b": 0xCD, "\u0328": 0xCE, "\u030c": 0xCF}
_ISO6937_LETTERS = {"¡": 0xA1, "¿": 0xBF, "ı": 0xF5, "ß": 0xFB, "ø": 0xF9, "Ø": 0xE9, "æ": 0xF1, "Æ": 0xE1, "đ": 0xF2, "Đ": 0xE2}
ITALIC_ON, ITALIC_OFF, NEWLINE, FILLER = 0x80, 0x81, 0x8A, 0x8F


def iso6937(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch in _ISO6937_LETTERS:
            out.append(_ISO6937_LETTERS[ch])
        elif ch.isascii():
            out.append(ord(ch))
        else:
            base, accent = unicodedata.normalize("NFD", ch)
            out += bytes([_ISO6937_ACCENTS[accent], ord(base)])
    return bytes(out)


_TABLES = {"00": iso6937, "01": lambda t: t.encode("iso8859_5"), "02": lambda t: t.encode("iso8859_6"),
           "03": lambda t: t.encode("iso8859_7"), "04": lambda t: t.encode("iso8859_8")}


def gsi(dfc: str, cct: str, language_code: str, blocks: int) -> bytes:
    """The General Subtitle Information block (Tech 3264 §3), 1024 bytes."""
    fields = [b"850", dfc.encode(), b"1", cct.encode(), language_code.encode(),
              b"Original programme".ljust(32), b"".ljust(32), b"Programme".ljust(32), b"".ljust(32),
              b"".ljust(32), b"".ljust(32), b"".ljust(16), b"261202", b"261202", b"01",
              f"{blocks:05d}".encode(), f"{blocks:05d}".encode(), b"001", b"40", b"23", b"1",
              b"10000000", b"10000000", b"1", b"1", b"GBR", b"".ljust(32), b"".ljust(32), b"".ljust(32)]
    block = b"".join(fields) + b" " * 75 + b" " * 576
    assert len(block) == 1024
    return block


def tti(number: int, tc_in: tuple[int, int, int, int], tc_out: tuple[int, int, int, int], lines: list[str],
        cct: str, italic: bool = False, row: int = 20) -> bytes:
    """A Text and Timing Information block (Tech 3264 §4), 128 bytes; text lines are
    separated by CR/LF (0x8A) and the field is padded with 0x8F."""
    text = bytes([NEWLINE, NEWLINE]).join(
        (bytes([ITALIC_ON]) if italic else b"") + _TABLES[cct](line) + (bytes([ITALIC_OFF]) if italic else b"")
        for line in lines)
    field = text.ljust(112, bytes([FILLER]))
    assert len(field) == 112
    return struct.pack("<BHBB4B4BBBB112s", 0, number, 0xFF, 0, *tc_in, *tc_out, row, 2, 0, field)


def stl(dfc: str, cct: str, language_code: str, subtitles: list[tuple]) -> bytes:
    blocks = [tti(i, *subtitle, cct=cct) if len(subtitle) == 3 else tti(i, *subtitle[:3], cct=cct, italic=subtitle[3])
              for i, subtitle in enumerate(subtitles)]
    return gsi(dfc, cct, language_code, len(blocks)) + b"".join(blocks)
