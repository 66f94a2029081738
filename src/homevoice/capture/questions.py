"""Which voice messages are questions for the notes rather than notes: a caption ``/ask``, ``ask``
or ``вопрос``, or a transcript that starts with "ask" or "вопрос" ("Вопрос: когда я сажал томаты?")."""

from __future__ import annotations

ASK_WORDS = ("ask", "вопрос")
_AFTER_WORD = " \t\n,.!?:;—–-…\"'»”"
"""Punctuation a speech-to-text model puts after the word, or a person types."""
_BEFORE_WORD = " \t\n.…\"'«„“-—"
"""What a transcript may start with before its first word (Whisper's "... Ask")."""


def question_after_ask_word(text: str) -> str | None:
    """The question in a transcript that starts with an ask word; None when it does not, or when
    nothing follows the word (a lone "Ask." is kept as a note, as a lone wake word is)."""
    rest = _after_ask_word(text.strip().lstrip(_BEFORE_WORD))
    return rest or None


def ask_caption(caption: str) -> str | None:
    """For a caption that marks its voice message as a question (``/ask``, ``/ask@bot``, ``Ask``,
    ``вопрос:``), the caption's own words after the marker ("" when none); else None."""
    said = caption.strip()
    if said.startswith("/"):
        head, _, rest = said[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        return rest.strip() if name == "ask" else None
    return _after_ask_word(said)


def _after_ask_word(said: str) -> str | None:
    lowered = said.lower()
    for word in ASK_WORDS:
        if lowered.startswith(word) and (len(lowered) == len(word) or not lowered[len(word)].isalnum()):
            return said[len(word) :].lstrip(_AFTER_WORD).strip()
    return None
