"""Words as search terms: lowercase, ё as е, Snowball stems per script, codes kept whole.

"Отпуска", "отпуск" and "отпуском" meet at one stem, as do "renewing" and "renewal"; numbers and
codes ("ERR-4411", "v2.3", "192.168.1.20") stay whole so an exact one finds exactly its notes,
and their parts are terms too so "ERR 4411" still meets "ERR-4411".
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Final

import snowballstemmer  # type: ignore[import-untyped, unused-ignore]

# Letters and digits joined by - . / : _ make one token ("err-4411", "e-mail", "v2.3.1").
_TOKEN: Final = re.compile(r"[^\W_]+(?:[-./:_][^\W_]+)*")
_SEPARATORS: Final = re.compile(r"[-./:_]")
_CYRILLIC: Final = re.compile(r"[а-я]")
_LATIN: Final = re.compile(r"^[a-z]+$")

_ENGLISH: Final = """a about above after again all also am an and any are as at be been before being below between
    both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours out over own same she should so some
    such than that the their theirs them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours
    yourself"""
_RUSSIAN: Final = """а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для
    до его ее если есть еще же за здесь и из или им их к как какая какие каким какой когда кто ли
    либо между меня мне мной мог может мой моя мое мои мы на над нам нас не него нее нет ни них но
    ну о об однако он она они оно от очень по под после при про с со так также такой там те тем то
    того тоже той только том ты у уже хотя чего чей чем что чтобы чье чья эта эти это этот я"""
ENGLISH_STOPWORDS: Final = frozenset(_ENGLISH.split())
RUSSIAN_STOPWORDS: Final = frozenset(_RUSSIAN.split())
_STOPWORDS: Final = ENGLISH_STOPWORDS | RUSSIAN_STOPWORDS

_local = threading.local()  # Snowball stemmers keep state between calls, so one per thread


def _stemmer(language: str) -> snowballstemmer.Stemmer:
    stemmers: dict[str, snowballstemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A lowercase word's stem: Russian for Cyrillic, English for plain Latin, else the word itself."""
    if _CYRILLIC.search(word):
        return str(_stemmer("russian").stemWord(word))
    if _LATIN.match(word):
        return str(_stemmer("english").stemWord(word))
    return word


def normalize(text: str) -> str:
    return text.lower().replace("ё", "е")


def _word_terms(word: str) -> list[str]:
    if len(word) < 2 or word in _STOPWORDS:
        return []
    return [stem(word)]


def terms(text: str) -> list[str]:
    """The search terms of ``text`` in order, repeats kept (they count in BM25)."""
    out: list[str] = []
    for match in _TOKEN.finditer(normalize(text)):
        token = match.group(0)
        parts = _SEPARATORS.split(token)
        if any(char.isdigit() for char in token):
            out.append(token)  # a number or a code: whole, never stemmed
            if len(parts) > 1:
                out.extend(part for part in parts if len(part) > 1 and part not in _STOPWORDS)
            continue
        for part in parts:
            out.extend(_word_terms(part))
    return out


def query_terms(text: str) -> list[str]:
    """The distinct terms of a question, in order."""
    return list(dict.fromkeys(terms(text)))


_CYRILLIC_LETTERS: Final = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN_LETTERS: Final = re.compile(r"[a-z]", re.IGNORECASE)


def script_of(text: str) -> str:
    """``cyrillic`` or ``latin``, whichever has more letters in ``text`` (Latin when neither)."""
    cyrillic = len(_CYRILLIC_LETTERS.findall(text))
    return "cyrillic" if cyrillic and cyrillic >= len(_LATIN_LETTERS.findall(text)) else "latin"
