"""Russian quantities: units, money, percentages and decimals ("1,5 млн ₽", "2,5%", "$5,50")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from homevoice.text.ru_context import Context
from homevoice.text.ru_grammar import Case, Gender, counted, fraction_agreement
from homevoice.text.ru_nouns import NOUNS, Noun
from homevoice.text.ru_numbers import cardinal
from homevoice.text.ru_ordinals import adjective, fraction
from homevoice.text.ru_reading import cardinal_case


@dataclass(frozen=True)
class Unit:
    noun: str
    after: str = ""
    """Words said after the noun: "градусов Цельсия", "километров в час"."""
    minor: str | None = None
    """The currency's hundredth: "рубль" -> "копейка"."""
    adjective: str = ""
    """The stem of an adjective said before the noun: "квадратн" ("квадратных метров")."""


_RUB, _USD, _EUR = Unit("рубль", minor="копейка"), Unit("доллар", minor="цент"), Unit("евро", minor="цент")
_SQUARE_METRE, _CELSIUS = Unit("метр", adjective="квадратн"), Unit("градус", "Цельсия")
UNITS: Final[dict[str, Unit]] = {
    "%": Unit("процент"), "°c": _CELSIUS, "°с": _CELSIUS, "°": Unit("градус"),
    "₽": _RUB, "руб": _RUB, "р": _RUB, "коп": Unit("копейка"),
    "$": _USD, "€": _EUR, "£": Unit("фунт", minor="пенс"),
    "км/ч": Unit("километр", "в час"), "м/с": Unit("метр", "в секунду"),
    "кв.м": _SQUARE_METRE, "м²": _SQUARE_METRE, "км²": Unit("километр", adjective="квадратн"),
    "км": Unit("километр"), "м": Unit("метр"), "см": Unit("сантиметр"), "мм": Unit("миллиметр"),
    "кг": Unit("килограмм"), "г": Unit("грамм"), "мг": Unit("миллиграмм"),
    "л": Unit("литр"), "мл": Unit("миллилитр"),
    "ч": Unit("час"), "мин": Unit("минута"), "сек": Unit("секунда"),
    "чел": Unit("человек"), "шт": Unit("штука"), "гб": Unit("гигабайт"), "мб": Unit("мегабайт"),
}  # fmt: skip
SCALES: Final = {"тыс": "тысяча", "млн": "миллион", "млрд": "миллиард", "трлн": "триллион"}
# "в 5 км от дома", "в 50% случаев" (prepositional) but "в 5 ч", "оценили в 100 ₽" (accusative).
_ACCUSATIVE_AFTER_V: Final = frozenset(
    {"рубль", "копейка", "доллар", "евро", "фунт", "час", "минута", "секунда"}
)


def unit_key(written: str) -> str:
    """The UNITS key of a written unit: "руб." -> "руб", "°C" -> "°c", "кв. м" -> "кв.м"."""
    key = written.lower().replace(" ", "")
    return key if key == "кв.м" else key.rstrip(".")


@dataclass(frozen=True)
class Amount:
    whole: int
    decimals: str = ""
    sign: str = ""


def half(whole: int, case: Case, gender: Gender) -> tuple[str, Case, bool]:
    """x,5 said as people say it, and the case and number of its noun: 1,5 -> "полтора"/"полторы"
    (+ genitive singular; "полутора" + plural in the oblique cases), 2,5 -> "два с половиной"."""
    if whole == 1:
        if case in ("nom", "acc"):
            return ("полторы" if gender == "f" else "полтора"), "gen", False
        return "полутора", case, True
    noun_case, plural = counted(whole, case)
    return f"{cardinal(whole, case, gender)} с половиной", noun_case, plural


def says_half(amount: Amount) -> bool:
    """1,5 and 2,5 have a spoken form; 21,5 ("двадцать одна целая пять десятых") does not."""
    return amount.decimals == "5" and not (amount.whole % 10 == 1 and amount.whole != 1)


def _case(amount: Amount, noun: Noun, context: Context) -> Case:
    if context.preposition in ("в", "во"):
        return "acc" if noun.lemma in _ACCUSATIVE_AFTER_V else "prep"
    return cardinal_case(amount.whole, Context(context.preposition))


def _phrase(unit: Unit | None, noun: Noun, case: Case, plural: bool) -> str:
    """The unit's words in ``case``: "рублей", "квадратных метров"."""
    words = noun.form(case, plural)
    if unit and unit.adjective:
        words = f"{adjective(unit.adjective, case, 'pl' if plural else noun.gender)} {words}"
    return words


def _count(n: int, noun: Noun, case: Case, unit: Unit | None = None) -> str:
    noun_case, plural = counted(n, case, animate=noun.animate)
    phrase = noun.form(noun_case, plural)
    if unit and unit.adjective:  # an adjective takes the genitive plural after 2-4: "два квадратных метра"
        adjective_case, adjective_plural = fraction_agreement(n, case)
        phrase = (
            f"{adjective(unit.adjective, adjective_case, 'pl' if adjective_plural else noun.gender)} {phrase}"
        )
    return f"{cardinal(n, case, noun.gender, animate=noun.animate)} {phrase}"


def _scaled(amount: Amount, scale: Noun, case: Case) -> str:
    if says_half(amount):
        number, noun_case, plural = half(amount.whole, case, scale.gender)
        return f"{number} {scale.form(noun_case, plural)}"
    if amount.decimals:
        return f"{fraction(amount.whole, amount.decimals, case)} {scale.form('gen')}"
    return _count(amount.whole, scale, case)


def _money(amount: Amount, unit: Unit, noun: Noun, case: Case) -> str:
    cents = int(amount.decimals)
    parts = [_count(amount.whole, noun, case)] if amount.whole or not cents else []
    if cents:
        parts.append(_count(cents, NOUNS[unit.minor or ""], case))
    return " ".join(parts)


def _say(amount: Amount, unit: Unit | None, scale: Noun | None, case: Case) -> str:
    noun = NOUNS[unit.noun] if unit else None
    if scale:
        words = _scaled(amount, scale, case)
        return f"{words} {_phrase(unit, noun, 'gen', True)}" if noun else words
    if noun and unit and unit.minor and len(amount.decimals) == 2:
        return _money(amount, unit, noun, case)
    if noun and amount.decimals:
        return f"{fraction(amount.whole, amount.decimals, case)} {_phrase(unit, noun, 'gen', False)}"
    if noun:
        return _count(amount.whole, noun, case, unit)
    return fraction(amount.whole, amount.decimals, case)


def say_amount(amount: Amount, unit_text: str | None, scale_text: str | None, context: Context) -> str:
    """Read a number with its unit and/or scale word: "1,5 млн руб." -> "полтора миллиона рублей"."""
    unit = UNITS.get(unit_key(unit_text)) if unit_text else None
    scale = NOUNS[SCALES[unit_key(scale_text)]] if scale_text else None
    case = _case(amount, NOUNS[unit.noun] if unit else scale or NOUNS["процент"], context)
    words = _say(amount, unit, scale, case)
    if unit and unit.after:
        words += f" {unit.after}"
    return f"{amount.sign} {words}" if amount.sign else words
