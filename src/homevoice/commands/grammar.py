"""A small rule grammar for the basic commands in English and Russian, so they work offline.

Patterns are tried in order on the lower-cased transcript without its trailing punctuation; the
first that matches wins. Numbers may come as digits (Whisper's habit) or as small number words.
"""

from __future__ import annotations

import re

from homevoice.commands.intents import Action, Intent

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "sixty": 60, "half an": 0.5, "half a": 0.5,
    "одну": 1, "один": 1, "одна": 1, "две": 2, "два": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "пятнадцать": 15,
    "двадцать": 20, "тридцать": 30, "сорок": 40, "сорок пять": 45, "шестьдесят": 60,
}  # fmt: skip
_UNITS = {"s": 1 / 60, "m": 1.0, "h": 60.0, "d": 1440.0}

_N = r"(?P<n>\d+(?:[.,]\d+)?|[a-zа-яё-]+(?: [a-zа-яё]+)?)"
_EN_UNIT = r"(?P<unit>seconds?|minutes?|mins?|hours?|days?)"
_RU_UNIT = r"(?P<unit>секунд[уы]?|минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|сутки)"

_PATTERNS: list[tuple[Action, re.Pattern[str]]] = [
    (Action.SET_REMINDER, re.compile(rf"^remind me (?:in {_N} {_EN_UNIT} )?(?:to |about |that )?(?P<text>.+?)(?: in {_N.replace('n>', 'n2>')} {_EN_UNIT.replace('unit>', 'unit2>')})?$")),
    (Action.SET_REMINDER, re.compile(rf"^напомни(?: мне)?(?: через {_N} {_RU_UNIT})?,? (?P<text>.+?)(?: через {_N.replace('n>', 'n2>')} {_RU_UNIT.replace('unit>', 'unit2>')})?$")),
    (Action.SET_REMINDER, re.compile(r"^напомни(?: мне)? через (?P<unit>полчаса|час|минуту)(?: (?P<text>.+))?$")),
    (Action.APPEND_TODAY, re.compile(r"^(?:add|append|write)(?: to)? (?:today's|todays|my daily|the daily) note[:,]? (?P<text>.+)$")),
    (Action.APPEND_TODAY, re.compile(r"^add (?P<text>.+?) to (?:today's|todays|my daily|the daily) note$")),
    (Action.APPEND_TODAY, re.compile(r"^(?:добавь|допиши|запиши) в (?:сегодняшнюю заметку|заметку дня|дневник|ежедневную заметку)[:,]? (?P<text>.+)$")),
    (Action.MAKE_NOTE, re.compile(r"^(?:make|take|create|write|new)(?: a)? note[:,]?(?: that| about)? (?P<text>.+)$")),
    (Action.MAKE_NOTE, re.compile(r"^note(?: that)?[:,]? (?P<text>.+)$")),
    (Action.MAKE_NOTE, re.compile(r"^(?:запиши|запомни|создай заметку|новая заметка|заметка)[:,]?(?: что)? (?P<text>.+)$")),
    (Action.READ_NOTE, re.compile(r"^read(?: me)?(?: aloud)?(?: the| my)? note(?: called| named)? (?P<title>.+)$")),
    (Action.READ_NOTE, re.compile(r"^(?:прочитай|прочти|зачитай)(?: мне)?(?: вслух)? заметку (?P<title>.+)$")),
    (Action.SEARCH_NOTES, re.compile(r"^(?:find|search|look up)(?: for)?(?: my)?(?: notes?)?(?: about| on| for| with)? (?P<query>.+)$")),
    (Action.SEARCH_NOTES, re.compile(r"^(?:найди|поищи|покажи)(?: мне)?(?: заметки| заметку)?(?: про| о| об| по)? (?P<query>.+)$")),
    (Action.ASK_NOTES, re.compile(r"^(?:ask|question|ask my notes)[:,]? (?P<question>.+)$")),
    (Action.ASK_NOTES, re.compile(r"^what do my notes say about (?P<question>.+)$")),
    (Action.ASK_NOTES, re.compile(r"^(?:вопрос|спроси(?: заметки)?)[:,]? (?P<question>.+)$")),
    (Action.HOME_SERVICE, re.compile(r"^(?:please )?(?:turn|switch) (?P<state>on|off) (?:the )?(?P<name>.+)$")),
    (Action.HOME_SERVICE, re.compile(r"^(?:please )?(?:turn|switch) (?:the )?(?P<name>.+?) (?P<state>on|off)$")),
    (Action.HOME_SERVICE, re.compile(r"^(?:пожалуйста )?(?P<state>включи|выключи) (?P<name>.+)$")),
]  # fmt: skip
_RU_STATES = {"включи": "on", "выключи": "off"}


def recognise(text: str) -> Intent:
    """The intent of one command; UNKNOWN when no rule matches (Home Assistant may still know)."""
    said = _clean(text)
    for action, pattern in _PATTERNS:
        match = pattern.match(said)
        if match is None:
            continue
        slots = {k: v for k, v in match.groupdict().items() if v is not None}
        if action is Action.SET_REMINDER:
            reminder = _reminder(slots, text)
            if reminder is not None:
                return Intent(action, reminder)
            continue
        if action is Action.HOME_SERVICE:
            slots["state"] = _RU_STATES.get(slots["state"], slots["state"])
        return Intent(action, {k: _original_case(v, text) for k, v in slots.items()})
    return Intent(Action.UNKNOWN, {"text": text.strip()})


def _reminder(slots: dict[str, str], original: str) -> dict[str, object] | None:
    unit = slots.get("unit") or slots.get("unit2")
    number = slots.get("n") or slots.get("n2")
    if unit in ("полчаса",):
        minutes = 30.0
    elif unit in ("час", "минуту") and number is None:
        minutes = 60.0 if unit == "час" else 1.0
    elif unit is None or number is None:
        return None
    else:
        amount = _number(number)
        if amount is None:
            return None
        minutes = amount * _UNITS[_unit_key(unit)]
    text = slots.get("text", "").strip() or "напоминание"
    return {"text": _original_case(text, original), "minutes": round(minutes, 2)}


def _unit_key(unit: str) -> str:
    if unit.startswith(("sec", "сек")):
        return "s"
    if unit.startswith(("h", "час")):
        return "h"
    if unit.startswith(("d", "дн", "ден", "сут")):
        return "d"
    return "m"


def _number(word: str) -> float | None:
    word = word.replace(",", ".")
    try:
        return float(word)
    except ValueError:
        return _NUMBER_WORDS.get(word)


def _clean(text: str) -> str:
    said = re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip()
    return said.rstrip(".!?… ")


def _original_case(value: str, original: str) -> str:
    """The slot as the person said it (names keep their capitals), when it can be found."""
    found = re.search(re.escape(value), original.replace("ё", "е"), re.IGNORECASE)
    return original[found.start() : found.end()] if found else value
