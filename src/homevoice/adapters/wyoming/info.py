"""The answer to ``describe``: installed speech-to-text models and voices, with their languages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wyoming.info import AsrModel, AsrProgram, Attribution, Info, TtsProgram, TtsVoice

from homevoice import __version__
from homevoice.engines.assets import installed_dir
from homevoice.engines.catalog import CATALOG, VOICES, EngineName, ModelSpec
from homevoice.voices.library import EnrolledVoice

# homevoice has no public home page to point to; Home Assistant shows the name only.
HOMEVOICE = Attribution(name="homevoice", url="")
WHISPER = Attribution(name="OpenAI Whisper", url="https://github.com/openai/whisper")
ENGINES = {
    EngineName.FASTER_WHISPER: WHISPER,
    EngineName.PIPER: Attribution(name="Piper", url="https://github.com/rhasspy/piper"),
    EngineName.FESTIVAL: Attribution(name="Festival", url="https://www.cstr.ed.ac.uk/projects/festival/"),
}

# Home Assistant offers an STT service only for the languages its models list, so multilingual
# Whisper models list every language Whisper was trained on (Cantonese arrived with large-v3).
# fmt: off
WHISPER_LANGUAGES = (
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it",
    "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur",
    "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn",
    "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si",
    "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
    "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha",
    "ba", "jw", "su",
)
# fmt: on


def model_languages(spec: ModelSpec) -> list[str]:
    if spec.languages is not None:
        return list(spec.languages)
    extra = ["yue"] if spec.name.startswith("large-v3") else []
    return [*WHISPER_LANGUAGES, *extra]


def installed(specs: tuple[ModelSpec, ...], models_dir: Path) -> list[ModelSpec]:
    return [spec for spec in specs if installed_dir(spec, models_dir) is not None]


def describe(models_dir: Path, enrolled: Sequence[EnrolledVoice] = ()) -> Info:
    """Reads the models folder on every call: a model pulled while serving shows up at once.
    ``enrolled``: voices made from a sample, offered beside the built-in ones."""
    asr = AsrProgram(
        name="homevoice",
        attribution=HOMEVOICE,
        installed=True,
        description="homevoice speech to text (faster-whisper)",
        version=__version__,
        models=[
            AsrModel(
                name=spec.name,
                attribution=ENGINES.get(spec.engine, HOMEVOICE),
                installed=True,
                description=spec.description,
                version=None,
                languages=model_languages(spec),
            )
            for spec in installed(CATALOG, models_dir)
        ],
        supports_transcript_streaming=True,
    )
    tts = TtsProgram(
        name="homevoice",
        attribution=HOMEVOICE,
        installed=True,
        description="homevoice text to speech (Piper, Festival)",
        version=__version__,
        voices=[
            TtsVoice(
                name=spec.name,
                attribution=ENGINES.get(spec.engine, HOMEVOICE),
                installed=True,
                description=spec.description,
                version=None,
                languages=list(spec.languages or ()),
            )
            for spec in installed(VOICES, models_dir)
        ]
        + [
            TtsVoice(
                name=voice.name,
                attribution=HOMEVOICE,
                installed=True,
                description=f"{voice.name} (enrolled {voice.enrolled_at[:10]})",
                version=None,
                languages=[voice.language],
            )
            for voice in enrolled
        ],
        supports_synthesize_streaming=True,
    )
    return Info(asr=[asr], tts=[tts])
