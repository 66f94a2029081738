"""The checks a voice sample must pass, on the dev eval set and on generated noise and tones."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.evaluation.wer import EvalClip
from homevoice.voices.checks import check_sample
from homevoice.voices.model import VoiceSampleError

Audio = NDArray[np.float32]
RATE = SAMPLE_RATE

# Every clip of the eval set is one person saying one utterance (manifest notes: read sentences,
# one speaker per recording), so none is left out as a multi-speaker clip. Pitch (median F0)
# places the speakers: women en_arctic_a0024, en_ljspeech_LJ050-0131, en_timit_ldc93s1 and
# en_sb_spk1_* (165-194 Hz); men en_librivox_sense_* (the same reader), ru_voxforge_ru_* (the
# same speaker), en_librispeech_*, en_mfa_surround, en_vosk_digits (87-108 Hz).
MAN_AND_WOMAN = [
    ("en_librivox_sense_0870", "en_arctic_a0024"),
    ("en_librivox_sense_0870", "en_ljspeech_LJ050-0131"),
    ("en_ljspeech_LJ050-0131", "en_librispeech_1272-128104-0000"),
    ("ru_voxforge_ru_0024", "en_timit_ldc93s1"),
    ("en_sb_spk1_snt1", "en_sb_spk1_snt2", "en_vosk_digits"),
    ("en_mfa_surround", "en_arctic_a0024"),
    ("en_librispeech_61-70968-0000", "en_ljspeech_LJ050-0131"),
]
SAME_SPEAKER = [
    ("en_sb_spk1_snt1", "en_sb_spk1_snt2"),
    ("en_librivox_sense_0870", "en_librivox_sense_0920"),
    ("ru_voxforge_ru_0022", "ru_voxforge_ru_0025"),
]


@pytest.fixture(scope="module")
def decoded(clips: list[EvalClip]) -> dict[str, Audio]:
    return {clip.id: decode_audio(clip.path).samples for clip in clips}


@pytest.fixture(scope="module")
def references(evalset: Path) -> list[str]:
    with (evalset / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        return [
            row["id"] for row in csv.DictReader(handle, delimiter="\t") if row["voice_clone_ref"] == "yes"
        ]


def refusal(audio: Audio, **limits: float) -> VoiceSampleError:
    with pytest.raises(VoiceSampleError) as caught:
        check_sample(audio, **limits)
    return caught.value


def join(decoded: dict[str, Audio], *ids: str) -> Audio:
    return np.concatenate([decoded[clip_id] for clip_id in ids])


def at_level(signal: NDArray[np.float64], dbfs: float) -> Audio:
    return (signal / np.sqrt(np.mean(signal**2)) * 10 ** (dbfs / 20)).astype(np.float32)


def pink(samples: int, rng: np.random.Generator) -> NDArray[np.float64]:
    spectrum = np.fft.rfft(rng.standard_normal(samples))
    freqs = np.fft.rfftfreq(samples, 1 / RATE)
    spectrum[0] = 0
    spectrum[1:] /= np.sqrt(freqs[1:])
    return np.fft.irfft(spectrum, samples)


# --- clips that pass ------------------------------------------------------------------------------


def test_every_voice_clone_reference_passes(decoded: dict[str, Audio], references: list[str]) -> None:
    assert len(references) == 4
    for clip_id in references:
        sample = check_sample(decoded[clip_id])
        assert 3.0 <= sample.speech_s <= 15.0, clip_id
        assert sample.original_speech_s == pytest.approx(sample.speech_s), clip_id
        assert not sample.trimmed
        assert sample.snr_db >= 25, clip_id
        assert -10 <= sample.peak_dbfs < 0, clip_id
        assert sample.clipped_share == 0
        assert sample.median_f0 is not None and 80 <= sample.median_f0 <= 250, clip_id
        assert sample.audio.dtype == np.float32
        assert sample.speech_s <= len(sample.audio) / RATE <= len(decoded[clip_id]) / RATE


def test_every_single_speaker_clip_with_enough_speech_passes(decoded: dict[str, Audio]) -> None:
    passed, short = [], []
    for clip_id, audio in decoded.items():
        try:
            check_sample(audio)
        except VoiceSampleError as err:
            if clip_id == "en_mfa_falsetto2":
                # Silero VAD hears 0.2 s of speech in this falsetto: no speaking voice.
                assert err.code == "sample_noisy"
                continue
            assert err.code == "sample_too_short", (clip_id, err.code, err.message)
            found = re.search(r"Only (\d+\.\d) s of speech", err.message)
            assert found is not None and float(found.group(1)) < 3.5, clip_id
            short.append(clip_id)
        else:
            passed.append(clip_id)
    assert len(passed) >= 16
    assert len(passed) + len(short) == len(decoded) - 1


@pytest.mark.parametrize("ids", SAME_SPEAKER, ids="+".join)
def test_one_speaker_s_clips_joined_pass(decoded: dict[str, Audio], ids: tuple[str, ...]) -> None:
    sample = check_sample(join(decoded, *ids))
    assert sample.speech_s >= 5


# --- several speakers -----------------------------------------------------------------------------


@pytest.mark.parametrize("ids", MAN_AND_WOMAN, ids="+".join)
def test_a_man_and_a_woman_are_several_speakers(decoded: dict[str, Audio], ids: tuple[str, ...]) -> None:
    err = refusal(join(decoded, *ids))
    assert err.code == "sample_several_speakers"
    assert "one person" in err.message and "record" in err.message


def test_a_man_and_a_woman_taking_turns_are_several_speakers(decoded: dict[str, Audio]) -> None:
    turns = join(
        decoded,
        "en_librivox_sense_0870",
        "en_ljspeech_LJ050-0131",
        "en_librivox_sense_0920",
        "en_arctic_a0024",
    )
    assert refusal(turns).code == "sample_several_speakers"


# --- silence, noise, tones ------------------------------------------------------------------------


def test_digital_silence_is_silent() -> None:
    err = refusal(np.zeros(8 * RATE, dtype=np.float32))
    assert err.code == "sample_silent"
    assert "microphone" in err.message and "quiet room" in err.message


def test_empty_audio_is_silent() -> None:
    assert refusal(np.zeros(0, dtype=np.float32)).code == "sample_silent"


def test_very_quiet_hiss_is_silent() -> None:
    hiss = at_level(np.random.default_rng(1).standard_normal(8 * RATE), -65)
    assert refusal(hiss).code == "sample_silent"


@pytest.mark.parametrize("dbfs", [-20, -45])
def test_white_noise_is_noisy(dbfs: float) -> None:
    noise = at_level(np.random.default_rng(2).standard_normal(8 * RATE), dbfs)
    err = refusal(noise)
    assert err.code == "sample_noisy"
    assert "quiet room" in err.message


def test_pink_noise_is_noisy() -> None:
    assert refusal(at_level(pink(8 * RATE, np.random.default_rng(3)), -20)).code == "sample_noisy"


@pytest.mark.parametrize(
    "hz",
    [(220.0,), (220.0, 277.2, 329.6), tuple(130.0 * k for k in range(1, 20))],
    ids=["tone", "chord", "buzz"],
)
def test_steady_tones_are_noisy(hz: tuple[float, ...]) -> None:
    t = np.arange(8 * RATE) / RATE
    signal = sum(np.sin(2 * np.pi * f * t) / (i + 1) for i, f in enumerate(hz))
    assert refusal(at_level(np.asarray(signal), -12)).code == "sample_noisy"


def test_speech_under_loud_noise_is_noisy(decoded: dict[str, Audio]) -> None:
    speech = decoded["en_librivox_sense_0870"]
    noise = np.random.default_rng(4).standard_normal(len(speech)) * np.sqrt(np.mean(speech**2))
    err = refusal((speech + noise).astype(np.float32))  # as loud as the speech
    assert err.code == "sample_noisy"
    assert "background noise" in err.message and "quiet room" in err.message


def test_speech_over_faint_noise_passes(decoded: dict[str, Audio]) -> None:
    speech = decoded["en_librivox_sense_0870"]
    noise = np.random.default_rng(5).standard_normal(len(speech)) * np.sqrt(np.mean(speech**2)) * 0.1
    assert check_sample((speech + noise).astype(np.float32)).snr_db >= 15  # 20 dB under the speech


# --- too short, clipped ---------------------------------------------------------------------------


def test_two_seconds_are_too_short_and_the_message_says_how_much_was_found(decoded: dict[str, Audio]) -> None:
    err = refusal(decoded["en_librivox_sense_0870"][: 2 * RATE])
    assert err.code == "sample_too_short"
    found = re.search(r"Only (\d+\.\d) s of speech was found; at least 3 s", err.message)
    assert found is not None, err.message
    assert 1.0 <= float(found.group(1)) <= 2.0
    assert "5-15 s" in err.message


def test_a_lower_minimum_accepts_less_speech(decoded: dict[str, Audio]) -> None:
    sample = check_sample(decoded["en_librivox_sense_0880"], min_speech_s=2.0)
    assert 2.0 <= sample.speech_s < 3.0


def test_a_reference_made_too_loud_is_clipped(decoded: dict[str, Audio]) -> None:
    loud = np.clip(decoded["en_arctic_a0024"] * 8, -1, 1)
    err = refusal(loud)
    assert err.code == "sample_clipped"
    assert "further from the microphone" in err.message and "input gain" in err.message


def test_a_few_peaks_at_full_scale_are_not_clipping(decoded: dict[str, Audio]) -> None:
    audio = decoded["en_librivox_sense_0870"].copy()
    audio[RATE :: RATE // 2] = 1.0  # single samples, not flattened wave tops
    sample = check_sample(audio)
    assert 0 < sample.clipped_share < 0.001
    assert sample.peak_dbfs == pytest.approx(0.0)


# --- what is kept ---------------------------------------------------------------------------------


def test_a_long_sample_is_trimmed_between_stretches_of_speech(decoded: dict[str, Audio]) -> None:
    reader = [f"en_librivox_sense_{n}" for n in ("0870", "0880", "0890", "0920", "0930")]
    long = join(decoded, *reader, *reader)
    assert len(long) / RATE >= 40
    sample = check_sample(long)
    assert sample.trimmed
    assert 10 <= sample.speech_s <= 15
    assert sample.original_speech_s >= 30
    assert len(sample.audio) / RATE <= sample.speech_s + 4
    # It ends in a pause: its last 50 ms are far quieter than its speech.
    assert _db(sample.audio[-RATE // 20 :]) < _db(sample.audio) - 20
    assert check_sample(sample.audio).speech_s == pytest.approx(sample.speech_s, abs=0.3)


def test_one_long_stretch_of_speech_is_cut_at_its_quietest_point(decoded: dict[str, Audio]) -> None:
    sample = check_sample(decoded["en_librivox_sense_0870"], max_speech_s=4.0)
    assert sample.trimmed
    assert 3.2 <= sample.speech_s <= 4.0


def test_leading_and_trailing_silence_is_removed(decoded: dict[str, Audio]) -> None:
    speech = decoded["en_librivox_sense_0920"]
    silence = np.zeros(3 * RATE, dtype=np.float32)
    padded = check_sample(np.concatenate([silence, speech, silence]))
    plain = check_sample(speech)
    assert not padded.trimmed
    assert padded.speech_s == pytest.approx(plain.speech_s, abs=0.1)
    # The 6 s of silence are gone; at most a 0.2 s margin is kept on each side of the speech.
    assert len(padded.audio) <= len(speech) + 2 * 0.2 * RATE
    assert len(padded.audio) == pytest.approx(len(plain.audio), abs=0.4 * RATE)


def test_long_pauses_are_shortened(decoded: dict[str, Audio]) -> None:
    pause = np.zeros(2 * RATE, dtype=np.float32)
    first, second = decoded["en_librivox_sense_0870"], decoded["en_librivox_sense_0920"]
    sample = check_sample(np.concatenate([first, pause, second]))
    assert len(sample.audio) < len(first) + len(second) + RATE


def test_limits_must_be_ordered(decoded: dict[str, Audio]) -> None:
    with pytest.raises(ValueError):
        check_sample(decoded["en_arctic_a0024"], min_speech_s=5.0, max_speech_s=4.0)


def _db(audio: Audio) -> float:
    return float(10 * np.log10(np.mean(audio.astype(np.float64) ** 2) + 1e-12))
