"""What the text front end hands a speech engine: sentences to say and pauses to keep."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Utterance:
    """One sentence, or a piece of a long one, normalised: words, not digits.

    May contain '+' stress marks ("з+амок"); engines that do not accept them call
    ``strip_stress``.
    """

    text: str


@dataclass(frozen=True)
class Pause:
    """Silence the user asked for with ``[pause:1s]`` or ``[pause:500ms]``."""

    seconds: float


@dataclass(frozen=True)
class Script:
    """A whole text, ready to speak part by part."""

    language: str
    """"ru" or "en": the language chosen or detected."""
    parts: tuple[Utterance | Pause, ...]

    @property
    def text(self) -> str:
        """The utterances joined by spaces (pauses left out), e.g. for logs at DEBUG or tests."""
        return " ".join(part.text for part in self.parts if isinstance(part, Utterance))
