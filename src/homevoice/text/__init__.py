"""The text front end for speech: sentences, pauses, numbers and abbreviations as words.

Pure functions, no engine and no I/O besides reading a lexicon file. The speech service calls
``prepare``; engines that do not accept '+' stress marks call ``strip_stress``.
"""

from homevoice.text.language import detect_language
from homevoice.text.lexicon import Lexicon, load_lexicon
from homevoice.text.normalize import normalize
from homevoice.text.prepare import prepare
from homevoice.text.script import Pause, Script, Utterance
from homevoice.text.sentences import split_sentences
from homevoice.text.stress import strip_stress

__all__ = [
    "Lexicon",
    "Pause",
    "Script",
    "Utterance",
    "detect_language",
    "load_lexicon",
    "normalize",
    "prepare",
    "split_sentences",
    "strip_stress",
]
