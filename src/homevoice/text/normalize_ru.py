"""Russian text normalisation: every number, date, unit and abbreviation becomes words.

One pass of one pattern over the text, so every number sees the original words around it (the
preposition before it, the noun after it); see ru_reading for how those choose case and gender.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from homevoice.text.ru_abbrev import expand_abbreviations
from homevoice.text.ru_context import Context, agrees, context_at, is_month_word, noun_gender, previous_word
from homevoice.text.ru_dates import (
    abbreviated_year_case,
    counts_years,
    is_year_noun,
    say_date,
    say_year,
    say_year_after_month,
)
from homevoice.text.ru_numbers import MAX_CARDINAL, digits
from homevoice.text.ru_ordinals import fraction, ordinal
from homevoice.text.ru_patterns import (
    read_century,
    read_compound,
    read_date,
    read_phone,
    read_ratio,
    read_ruler,
    read_time,
)
from homevoice.text.ru_reading import cardinal_case, say_cardinal, say_suffixed
from homevoice.text.ru_units import Amount, half, say_amount, says_half
from homevoice.text.ru_yo import restore_yo
from homevoice.text.spans import keeps_final_dot

_SEP = "[ \u00a0\u2009\u202f]"
_INT = rf"(?:\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)|\d+)"
_NUM = rf"{_INT}(?:[.,]\d+)?"
_SCALE = r"(?:тыс|млн|млрд|трлн)\.?"
_UNIT = (
    r"%|°\s?[CСcс]|°|₽|\$|€|£|руб\.?|р\.|коп\.?|кв\.\s?м|км²|м²|км/ч|м/с|км|кг|мг|мм|см|мл|м|гг\.|г\.?"
    r"|л|ч\.?|мин\.?|сек\.?|чел\.?|шт\.?|[ГгМм][Бб]"
)
_ROMAN = r"[IVXLC]+"
_PATTERN: Final = re.compile(
    rf"(?P<date>(?<![\d.])(?P<d>\d{{1,2}})\.(?P<mo>\d{{1,2}})\.(?P<y>\d{{4}})(?![\d.]\d)(?:\s*(?:г\.|года\b))?)"
    rf"|(?P<iso>(?<![\d-])(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?![\d-]))"
    rf"|(?P<time>(?<![\d:])(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?::(?P<s>\d{{2}}))?(?![\d:]))"
    rf"|(?P<ratio>(?<![\d:])\d{{1,3}}:\d{{1,3}}(?![\d:]))"
    rf"|(?P<century>\b(?P<r1>{_ROMAN})(?:\s*(?P<rdash>[-–—])\s*(?P<r2>{_ROMAN}))?\b"
    rf"(?=\s+(?:вв?\.|век|столети))(?:\s+(?P<rabbr>вв?\.))?)"
    rf"|(?P<ruler>\b(?P<name>[А-ЯЁ][а-яё]+)\s+(?P<rn>[IVX]{{1,4}})\b(?![\w.-])(?!\s+[A-Za-z]))"
    rf"|(?P<money>(?P<cur>[$€£₽])\s?(?P<mnum>{_NUM})(?:\s*(?P<mscale>{_SCALE})(?![а-яё]))?)"
    rf"|(?P<phone>(?<![\w+])(?:\+7|8)[\s(-]*\d{{3}}[\s)-]*\d{{3}}[\s-]*\d{{2}}[\s-]*\d{{2}}(?!\d))"
    rf"|(?P<compound>(?<![\w.,])(?P<cnum>\d{{1,4}})-(?P<ctail>[а-яё]{{4,}}))"
    rf"|(?P<plus>(?<=\d)\s*\+\s*(?=\d))"
    rf"|(?P<number>(?P<sign>(?<![\w.,])[-−+](?=\d))?(?P<num>{_NUM})(?:-(?P<suffix>[а-яё]{{1,4}})(?![а-яё]))?"
    rf"(?:\s*(?P<scale>{_SCALE})(?![а-яё]))?(?:\s*(?P<unit>{_UNIT})(?![а-яёa-z]))?)"
)
# "с второго" -> "со второго", "в втором" -> "во втором", "с ста" -> "со ста", "к второму" -> "ко второму".
_EUPHONIC_O: Final = re.compile(r"(?<![\w-])(?:([Сс])(?=\s+(?:вт|ст)[а-яё])|([ВвКк])(?=\s+вт[а-яё]))")
_DASH_BETWEEN_WORDS: Final = re.compile(r"(?<=\w)([–—])(?=\w)")
_SPACES: Final = re.compile(r"[ \t\u00a0\u2009\u202f]+")


def _amount(sign: str | None, written: str) -> Amount:
    whole, _, decimals = written.replace(",", ".").partition(".")
    word = {"-": "минус", "−": "минус", "+": "плюс"}.get(sign or "", "")
    return Amount(int(re.sub(r"\D", "", whole)), decimals, word)


def _year_or_cardinal(n: int, match: re.Match[str], context: Context) -> str:
    before = previous_word(match.string, match.start())
    if before and is_month_word(before) and 1000 <= n <= 2999:
        return say_year_after_month(n, noun_follows=is_year_noun(context.noun))
    if context.month and 1 <= n <= 31:
        return say_date(n, context.month, None, context).rsplit(" ", 1)[0]
    if is_year_noun(context.noun) and not counts_years(n, context):
        return say_year(n, context)
    if (context.noun or "").lower() in ("г", "гг") and n >= 1000:
        return ordinal(n, abbreviated_year_case(context))
    if context.preposition in ("в", "во") and not context.noun and 1000 <= n <= 2100:
        return ordinal(n, "prep")  # "родился в 1990." -> "в тысяча девятьсот девяностом"
    return say_cardinal(n, context)


def _number(match: re.Match[str], context: Context) -> str:
    written, unit = match.group("num"), match.group("unit")
    amount = _amount(match.group("sign"), written)
    if amount.whole > MAX_CARDINAL or (len(written) > 1 and written[0] == "0" and not amount.decimals):
        return digits(written)
    if unit and not amount.decimals and _is_year_abbreviation(amount.whole, unit, match, context):
        return _signed(amount, _year_with_abbreviation(amount.whole, unit, match, context))
    if match.group("suffix") and not amount.decimals:
        return _signed(amount, say_suffixed(amount.whole, match.group("suffix").lower(), context))
    if unit or match.group("scale"):
        return say_amount(amount, unit, match.group("scale"), context)
    if amount.decimals:
        return _signed(amount, _decimal(amount, context))
    return _signed(amount, _year_or_cardinal(amount.whole, match, context))


def _decimal(amount: Amount, context: Context) -> str:
    """Read a decimal: "3,14" -> "три целых четырнадцать сотых"; "1,5 часа" -> "полтора часа" when the noun fits."""
    if says_half(amount) and context.noun and context.direct:
        for case in context.options or ("nom",):
            number, noun_case, plural = half(amount.whole, case, noun_gender(context))
            if agrees(context, noun_case, plural):
                return number
    return fraction(amount.whole, amount.decimals, cardinal_case(2, context))


def _is_year_abbreviation(n: int, unit: str, match: re.Match[str], context: Context) -> bool:
    """True for years: "2024 г.", "в 988 г.", "1941–1945 гг."; "100 г", "5 г." are grams."""
    key = unit.lower()
    if key == "гг.":
        return True
    if not key.startswith("г"):
        return False
    before = previous_word(match.string, match.start())
    dated = context.preposition is not None or bool(before and is_month_word(before))
    return (key == "г." and (n >= 1000 or dated)) or (1000 <= n <= 2100 and dated)


def _year_with_abbreviation(n: int, unit: str, match: re.Match[str], context: Context) -> str:
    before = previous_word(match.string, match.start())
    if before and is_month_word(before):
        return say_year_after_month(n, noun_follows=False)
    return say_year(n, context, unit.lower())


def _signed(amount: Amount, words: str) -> str:
    return f"{amount.sign} {words}" if amount.sign else words


def _money(match: re.Match[str], context: Context) -> str:
    amount = _amount(None, match.group("mnum"))
    return say_amount(amount, match.group("cur"), match.group("mscale"), context)


_READERS: Final[dict[str, Callable[[re.Match[str], Context], str]]] = {
    "date": read_date,
    "iso": read_date,
    "time": read_time,
    "ratio": read_ratio,
    "century": read_century,
    "ruler": read_ruler,
    "phone": lambda match, _context: read_phone(match),
    "compound": lambda match, _context: read_compound(match),
    "plus": lambda _match, _context: " плюс ",
    "money": _money,
    "number": _number,
}


def _replace(match: re.Match[str]) -> str:
    context = context_at(match.string, match.start(), match.end())
    return _spaced(_READERS[match.lastgroup or "number"](match, context), match)


def _spaced(words: str, match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    if start and text[start - 1].isalpha():
        words = " " + words
    if end < len(text) and (text[end].isalnum()):
        words += " "
    if keeps_final_dot(match):
        words += "."
    return words


def normalize_ru(text: str) -> str:
    """Spell out the numbers, dates, units and abbreviations of Russian ``text``."""
    text = expand_abbreviations(text)
    text = _PATTERN.sub(_replace, text)
    text = restore_yo(text)
    text = _EUPHONIC_O.sub(lambda m: m.group() + "о", text)
    text = _DASH_BETWEEN_WORDS.sub(" \\1 ", text)
    return _SPACES.sub(" ", text).strip()
