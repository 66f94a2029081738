"""Word and character error rates on normalised text, and loaders for the evaluation sets.

References differ from Whisper's output in case, punctuation and number style, so both sides go
through ``normalize`` before scoring. English numbers written in digits become words (years such
as 2020 become "twenty twenty", long digit strings and ones with a leading zero are read digit by
digit, as people say phone numbers; "oh" between digits is a zero), and a few spoken forms are
unified (Mr. -> mister, gonna -> going to). Russian numbers become words only from 0 to 999, in the
nominative masculine ("1" -> "один"); larger ones, decimals and the other cases and genders
("одна", "первый", "двух") are left as they are, so they may count as errors.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from homevoice.errors import MissingExtraError

FILLERS = frozenset({"um", "umm", "uh", "uhh", "uhm", "hmm", "hm", "эм", "ээ", "эээ", "хм"})
EN_WORD_MAP = {
    "mr": "mister",
    "mrs": "missus",
    "ok": "okay",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
}

# fmt: off
_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_ORDINAL = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}
_RU_ONES = (
    "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
    "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
    "семнадцать", "восемнадцать", "девятнадцать",
)
_RU_TENS = (
    "", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
    "девяносто",
)
_RU_HUNDREDS = (
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
    "девятьсот",
)
# fmt: on
_EN_DIGIT_WORDS = frozenset(_EN_ONES[:10])

_EN_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(st|nd|rd|th)?")
_RU_NUMBER = re.compile(r"\d+")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`´]")
_PUNCTUATION = re.compile(r"[^\w\s']|_")
_LOOSE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")
_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)|<[^>]*>")


@dataclass(frozen=True)
class EvalClip:
    id: str
    language: str
    path: Path
    """Absolute path of the audio file."""
    duration: float
    """Seconds."""
    transcript: str


# --- normalisation -------------------------------------------------------------------------------


def normalize(text: str, language: str) -> str:
    """Lower-cased words without punctuation, fillers or digits, comparable across sources."""
    lang = language.lower()[:2]
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    text = _APOSTROPHES.sub("'", text)
    if lang == "en":
        text = text.replace("%", " percent ").replace("&", " and ")
        text = _EN_NUMBER.sub(_english_number, text)
    elif lang == "ru":
        text = _RU_NUMBER.sub(_russian_number, text)
    text = _PUNCTUATION.sub(" ", text)
    text = _LOOSE_APOSTROPHE.sub(" ", text)
    words = [w for w in text.split() if w not in FILLERS]
    if lang == "en":
        words = _english_words(words)
    return " ".join(words)


def english_number(n: int) -> str:
    """Cardinal English words for 0..999999 ("one thousand two hundred five")."""
    if not 0 <= n <= 999_999:
        raise ValueError(f"{n} is outside 0..999999")
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return _en_below_1000(rest)
    words = _en_below_1000(thousands) + " thousand"
    return f"{words} {_en_below_1000(rest)}" if rest else words


def english_year(n: int) -> str:
    """A year read as two pairs: 1984 -> "nineteen eighty four", 1905 -> "nineteen oh five"."""
    high, low = divmod(n, 100)
    if low == 0:
        return _en_below_100(high) + " hundred"
    if low < 10:
        return f"{_en_below_100(high)} oh {_EN_ONES[low]}"
    return f"{_en_below_100(high)} {_en_below_100(low)}"


def russian_number(n: int) -> str:
    """Nominative masculine Russian words for 0..999 ("сто двадцать один")."""
    if not 0 <= n <= 999:
        raise ValueError(f"{n} is outside 0..999")
    if n < 20:
        return _RU_ONES[n]
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    parts = [_RU_HUNDREDS[hundreds]] if hundreds else []
    if rest >= 20:
        parts.append(_RU_TENS[tens])
        if ones:
            parts.append(_RU_ONES[ones])
    elif rest:
        parts.append(_RU_ONES[rest])
    return " ".join(parts)


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f" {_EN_ONES[ones]}" if ones else "")


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _en_below_100(rest)
    words = _EN_ONES[hundreds] + " hundred"
    return f"{words} {_en_below_100(rest)}" if rest else words


def _en_digits(digits: str) -> str:
    return " ".join(_EN_ONES[int(d)] for d in digits)


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and (1100 <= int(digits) <= 1999 or 2010 <= int(digits) <= 2099)


def _en_integer(digits: str) -> str:
    grouped = "," in digits
    digits = digits.replace(",", "")
    if not grouped and len(digits) > 1 and (digits[0] == "0" or len(digits) >= 5):
        return _en_digits(digits)  # phone numbers, codes: read digit by digit
    if not grouped and _is_year(digits):
        return english_year(int(digits))
    value = int(digits)
    return english_number(value) if value <= 999_999 else _en_digits(digits)


def _ordinal(words: str) -> str:
    head, _, last = words.rpartition(" ")
    if last in _EN_ORDINAL:
        last = _EN_ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{head} {last}" if head else last


def _english_number(match: re.Match[str]) -> str:
    integer, fraction, suffix = match.groups()
    words = _en_integer(integer)
    if fraction:
        words += " point " + _en_digits(fraction)
    elif suffix:
        words = _ordinal(words)
    return f" {words} "


def _russian_number(match: re.Match[str]) -> str:
    digits = match.group()
    if len(digits) > 3 or (len(digits) > 1 and digits[0] == "0"):
        return digits
    return f" {russian_number(int(digits))} "


def _english_words(words: list[str]) -> list[str]:
    """Expand abbreviations; "oh" after a digit and before a digit or the end is a zero ("nine oh two")."""
    mapped = " ".join(EN_WORD_MAP.get(w, w) for w in words).split()
    return ["zero" if w == "oh" and _between_digits(mapped, i) else w for i, w in enumerate(mapped)]


def _between_digits(words: list[str], index: int) -> bool:
    after_digit = index > 0 and words[index - 1] in _EN_DIGIT_WORDS
    before_digit = index == len(words) - 1 or words[index + 1] in _EN_DIGIT_WORDS
    return after_digit and before_digit


# --- scoring -------------------------------------------------------------------------------------


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus WER of already normalised texts: all edits over all reference words."""
    jiwer = _jiwer()
    _check_lengths(references, hypotheses)
    return float(jiwer.wer(list(references), list(hypotheses)))


def char_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus CER of already normalised texts (spaces count as characters)."""
    jiwer = _jiwer()
    _check_lengths(references, hypotheses)
    return float(jiwer.cer(list(references), list(hypotheses)))


def _check_lengths(references: Sequence[str], hypotheses: Sequence[str]) -> None:
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    if not references:
        raise ValueError("nothing to score")


def _jiwer() -> ModuleType:
    try:
        import jiwer
    except ImportError as err:
        raise MissingExtraError(
            "Scoring needs jiwer; install it with pip install 'homevoice[eval]'."
        ) from err
    return jiwer


# --- evaluation sets -----------------------------------------------------------------------------


def load_manifest(path: Path) -> list[EvalClip]:
    """The clips of an evaluation ``manifest.tsv`` (columns id, lang, path, duration_s, transcript)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        EvalClip(
            id=row["id"],
            language=row["lang"],
            path=(path.parent / row["path"]).resolve(),
            duration=float(row["duration_s"]),
            transcript=row["transcript"],
        )
        for row in rows
    ]


def load_core_sounds(transcripts: Path, sounds_dir: Path, language: str | None = None) -> list[EvalClip]:
    """Asterisk prompts listed as ``name: text`` whose ``<sounds_dir>/<name>.wav`` exists.

    ``;`` comments, blank lines and entries that are only annotations (``[beep tone]``,
    ``(10 seconds of silence)``) are skipped; annotations inside a text are removed. The language
    defaults to the sound folder's name (``en``, ``ru``).
    """
    lang = language or sounds_dir.name
    clips = []
    for name, text in parse_core_sounds(transcripts.read_text(encoding="utf-8")):
        wav = sounds_dir / f"{name}.wav"
        if wav.is_file():
            clips.append(EvalClip(name, lang, wav.absolute(), wav_duration(wav), text))
    return clips


def parse_core_sounds(text: str) -> list[tuple[str, str]]:
    """``(name, transcript)`` pairs of a core-sounds transcript file, annotations removed."""
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or ":" not in line:
            continue
        name, _, transcript = line.partition(":")
        spoken = " ".join(_ANNOTATION.sub(" ", transcript).split())
        if name.strip() and spoken:
            entries.append((name.strip(), spoken))
    return entries


def wav_duration(path: Path) -> float:
    """Seconds of a PCM WAV file; 0.0 when the header cannot be read."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            return wav.getnframes() / rate if rate else 0.0
    except (wave.Error, EOFError):
        return 0.0
