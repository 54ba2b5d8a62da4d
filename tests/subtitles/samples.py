"""Real text in the partners' languages, and builders for subtitle files in each format."""

# (language tag, cue lines) — two-line cues, real sentences.
TEXTS = {
    "zh": [("我们今天去北京。", "你好，世界！"), ("这部纪录片讲述了丝绸之路的历史。",), ("谢谢大家收看。",)],
    "zh-Hant": [("我們今天去台北。", "你好，世界！"), ("這部紀錄片講述了絲綢之路的歷史。",), ("謝謝大家收看。",)],
    "ar": [("مرحبا بكم في البرنامج!", "- كيف حالك؟"), ("هذا الفيلم الوثائقي عن طريق الحرير.",), ("شكراً لكم.",)],
    # Urdu in what Windows-1256 can carry (ي for ی, "." for ۔), as such files are.
    "ur": [("يہ ايک پروگرام ہے.", "- کيا آپ تيار ہيں؟"), ("ٹيلي ويژن ڈرامہ، گھر ميں!",), ("شکريہ.",)],
    "az": [("Salam, əziz tamaşaçılar!", "Bu gün Bakıdayıq."), ("İpək Yolu haqqında sənədli film.",),
           ("Çox sağ olun.",)],
    "ru": [("Добрый вечер, друзья!", "Мы сегодня в Москве."), ("Этот документальный фильм о Шёлковом пути.",),
           ("Спасибо за внимание.",)],
    "en": [("Good evening, everyone!", "We are in London today."), ("A documentary about the Silk Road.",),
           ("Thank you for watching.",)],
}

# Cue timings with awkward milliseconds, so a rounding error would show.
TIMES = [(1_001, 3_999), (4_250, 7_777), (3_600_000 + 61_123, 3_600_000 + 64_001)]


def clock(ms: int, sep: str) -> str:
    s, milli = divmod(ms, 1000)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{sep}{milli:03d}"


def srt(cues: list[tuple[int, int, tuple[str, ...]]]) -> str:
    return "\n".join(f"{n}\n{clock(a, ',')} --> {clock(b, ',')}\n" + "\n".join(lines) + "\n"
                     for n, (a, b, lines) in enumerate(cues, 1))


def vtt(cues: list[tuple[int, int, tuple[str, ...]]]) -> str:
    return "WEBVTT\n\n" + "\n".join(f"{clock(a, '.')} --> {clock(b, '.')}\n" + "\n".join(lines) + "\n"
                                    for a, b, lines in cues)


def ttml(body: str, lang: str = "en", root_attrs: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"\n'
            f'    xmlns:tts="http://www.w3.org/ns/ttml#styling" xml:lang="{lang}" {root_attrs}>\n'
            f'<body>\n<div>\n{body}\n</div>\n</body>\n</tt>\n')


ASS_HEADER = """[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""  # noqa: E501


def sample_cues(language: str) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(a, b, lines) for (a, b), lines in zip(TIMES, TEXTS[language])]
