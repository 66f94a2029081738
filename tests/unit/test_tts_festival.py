"""The Festival backend without Festival: text cleaning, and the engine against a fake text2wave."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from homevoice.engines.base import SynthesisOptions, TtsLoadOptions
from homevoice.engines.tts.festival import SAMPLE_RATE, FestivalEngine
from homevoice.engines.tts.festival_text import festival_text
from homevoice.errors import ConfigError, EngineError, ModelNotInstalledError

# --- festival_text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Привет, как дела?", "Привет, как дела?"),
        ("Ёлка и ёжик, Йошкар-Ола.", "Ёлка и ёжик, Йошкар-Ола."),
        ("Он сказал: «Привет» — и ушёл.", 'Он сказал: "Привет" и ушёл.'),
        ("Привет… как дела", "Привет. как дела"),
        ("word’s ‘quoted’", "word's 'quoted'"),
        ("l'été café naïve", "l'ete cafe naive"),
        ("тест@пример.рф", "тест пример рф"),  # a full stop inside a word aborts festvox-ru
        ("(а)б.в!г?д", "(а б в г д"),
        ("x² ½ №5 §3 ©", "x 5 3"),  # no digits invented from symbols
        ("Ўзбек і", "Узбек"),
        ('!!! ? - ( ) " ...', ""),
        ("", ""),
        ("  много   пробелов\tи\nстрок  ", "много пробелов и строк"),
    ],
)
def test_festival_text_keeps_only_what_festvox_ru_reads(text: str, expected: str) -> None:
    assert festival_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("з+амок и зам+ок", "з+амок и зам+ок"),
        ("+Анна и +ольга", "+Анна и +ольга"),
        ("зам+к мука+ + 2+2", "замк мука 22"),  # '+' before anything but a Russian vowel goes
        ("c+at", "cat"),
    ],
)
def test_stress_marks_stay_only_before_a_russian_vowel(text: str, expected: str) -> None:
    assert festival_text(text) == expected


# --- FestivalEngine against a fake text2wave -----------------------------------------------------

FAKE_TEXT2WAVE = """\
#!{python}
import json, os, sys, time, wave
args = sys.argv[1:]
out = args[args.index("-o") + 1]
text = sys.stdin.buffer.read()
with open(os.environ["FAKE_T2W_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "stdin": text.hex()}}) + "\\n")
mode = os.environ.get("FAKE_T2W_MODE", "ok")
if mode == "sleep":
    time.sleep(30)
if mode == "siod":
    sys.stderr.write("SIOD ERROR: wrong type of argument to get_c_utt\\nBACKTRACE: ...\\n")
    sys.exit(0)
if mode == "lts":
    sys.stderr.write("LTS_Ruleset russian_downcase: no rule matches: \\nLTS_Ruleset: # п р и в е т *here* #\\n")
if mode == "exit":
    sys.stderr.write("something broke\\n")
    sys.exit(3)
seconds = 0.0 if mode in ("empty", "lts") else 0.1 * len(text.decode("utf-8").split())
channels = 2 if mode == "stereo" else 1
with wave.open(out, "wb") as w:
    w.setnchannels(channels)
    w.setsampwidth(2)
    w.setframerate(16000)
    n = int(16000 * seconds)
    tone = [int(8000 * ((i // 20) % 2 * 2 - 1)) for i in range(n)]
    w.writeframes(b"".join(v.to_bytes(2, "little", signed=True) * channels for v in tone))
"""


@pytest.fixture
def fake_festival(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A text2wave on PATH that logs its calls; FAKE_T2W_MODE picks how it behaves."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "text2wave"
    program.write_text(textwrap.dedent(FAKE_TEXT2WAVE.format(python=sys.executable)))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_T2W_LOG", str(log))
    monkeypatch.delenv("FAKE_T2W_MODE", raising=False)
    return log


@pytest.fixture
def voice_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "voices" / "russian" / "msu_ru_nsh_clunits"
    folder.mkdir(parents=True)
    return folder


def calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def engine(voice_dir: Path, **kwargs: float) -> FestivalEngine:
    return FestivalEngine(voice_dir, TtsLoadOptions(languages=("ru",)), name="festival-ru", **kwargs)


def test_declares_the_voice(fake_festival: Path, voice_dir: Path) -> None:
    info = engine(voice_dir).voice
    assert (info.name, info.engine, info.languages) == ("festival-ru", "festival", ("ru",))
    assert info.sample_rate == SAMPLE_RATE == 16_000
    assert info.accepts_stress is True
    assert info.max_chars >= 400


def test_sends_utf8_text_and_the_voice_and_reads_the_wav(fake_festival: Path, voice_dir: Path) -> None:
    audio = engine(voice_dir).synthesize("Он сказал: «з+амок»", SynthesisOptions())

    [call] = calls(fake_festival)
    assert bytes.fromhex(str(call["stdin"])).decode("utf-8") == 'Он сказал: "з+амок"'
    args = call["args"]
    assert isinstance(args, list)
    assert args[:4] == ["-eval", "(voice_msu_ru_nsh_clunits)", "-F", "16000"]
    assert audio.dtype == np.float32
    assert len(audio) == int(16000 * 0.3)
    assert np.abs(audio).max() == pytest.approx(8000 / 32768)


def test_speed_stretches_time_afterwards(fake_festival: Path, voice_dir: Path) -> None:
    voice = engine(voice_dir)
    natural = voice.synthesize("раз два три четыре пять", SynthesisOptions())
    fast = voice.synthesize("раз два три четыре пять", SynthesisOptions(speed=2.0))
    assert len(fast) == pytest.approx(len(natural) / 2, abs=2)


@pytest.mark.parametrize("text", ["", "  ", "!!! — «»", "@@@"])
def test_text_without_words_runs_nothing(fake_festival: Path, voice_dir: Path, text: str) -> None:
    audio = engine(voice_dir).synthesize(text, SynthesisOptions())
    assert audio.shape == (0,) and audio.dtype == np.float32
    assert not fake_festival.exists()


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("siod", r"could not speak this text \(exit status 0: SIOD ERROR: wrong type"),
        ("lts", r"exit status 0: LTS_Ruleset russian_downcase: no rule matches"),
        ("exit", r"exit status 3: no message"),
        ("empty", "produced no audio"),
        ("stereo", "2 channel"),
    ],
)
def test_failures_are_engine_errors_even_with_exit_status_0(
    fake_festival: Path, voice_dir: Path, monkeypatch: pytest.MonkeyPatch, mode: str, message: str
) -> None:
    monkeypatch.setenv("FAKE_T2W_MODE", mode)
    with pytest.raises(EngineError, match=message) as caught:
        engine(voice_dir).synthesize("привет мир", SynthesisOptions())
    assert caught.value.code == "engine_error"
    assert "п р и в е т" not in caught.value.message  # the words it failed on stay out of messages


def test_a_stuck_festival_is_stopped(
    fake_festival: Path, voice_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_T2W_MODE", "sleep")
    with pytest.raises(EngineError, match=r"did not finish within 1 s"):
        engine(voice_dir, timeout_s=1.0).synthesize("привет", SynthesisOptions())


def test_too_long_text_and_bad_speed_are_refused(fake_festival: Path, voice_dir: Path) -> None:
    voice = engine(voice_dir)
    with pytest.raises(EngineError, match="at most 1000 characters at a time, not 1001"):
        voice.synthesize("а" * 1001, SynthesisOptions())
    with pytest.raises(EngineError, match="speed must be positive"):
        voice.synthesize("привет", SynthesisOptions(speed=0))
    assert not fake_festival.exists()


def test_missing_text2wave_names_the_debian_packages(
    voice_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ModelNotInstalledError, match=r"apt-get install festival festvox-ru") as caught:
        engine(voice_dir)
    assert caught.value.code == "model_not_installed"


def test_missing_voice_folder_names_the_debian_packages(fake_festival: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError, match=r"msu_ru_nsh_clunits does not exist.*festvox-ru"):
        engine(tmp_path / "msu_ru_nsh_clunits")


def test_voice_names_cannot_inject_scheme(fake_festival: Path, tmp_path: Path) -> None:
    folder = tmp_path / "x) (system rm"
    folder.mkdir()
    with pytest.raises(ConfigError, match="not a Festival voice name"):
        engine(folder)
