"""Voice match benchmark: how much closer to an enrolled sample the matched voice sounds, what it
costs in intelligibility and in time, against the bare base voice in the same run.

1. Each eval-set clip marked ``voice_clone_ref=yes`` is enrolled as a user would enrol it, with its
   transcript given (``VoiceService``: the sample's checks, en_US-joe-medium speaking the
   transcript, the match fitted on the pair; timed), then removed.
2. Three held-out sentences (never a reference transcript, and not the sentences the method was
   tuned on) are spoken once by the bare voice; ``apply_match`` transforms them per clip (timed).
3. Resemblyzer's cosine similarity of each sentence to the reference, bare and matched (mean of the
   three); CER of both through the embedded speech to text (``TranscriptionService``, normalised
   text, corpus CER over the three sentences); real-time factors of the bare voice and of the match.
4. The same for a wider set of clean single-speaker clips, reported separately.

    .venv/bin/python bench/voices.py [--stt-model base] [--threads 2] [--no-wide] [--json OUT]
        [--data-dir DIR]

Needs ``pip install 'homevoice[voices-bench]'`` (Resemblyzer, CPU torch). See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's ``http`` (httpx imports it): this folder goes last.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import csv
import importlib
import importlib.util
import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench_dirs import data_dir
from homevoice.app import App, build_app
from homevoice.audio.codec import decode_audio
from homevoice.audio.wav import pcm16_bytes
from homevoice.errors import HomevoiceError
from homevoice.evaluation.wer import char_error_rate, normalize
from homevoice.services.speech import SpeechRequest
from homevoice.services.transcription import TranscriptionRequest
from homevoice.services.voices import EnrolRequest
from homevoice.settings import load_settings
from homevoice.voices.match import MatchParams, apply_match
from homevoice.voices.pitch import median_f0

BASE_VOICE = "en_US-joe-medium"
MANIFEST = Path(__file__).resolve().parents[2] / "shared" / "evalset" / "manifest.tsv"
SENTENCES = (
    "Please water the tomatoes before the evening.",
    "The weather is lovely today, so we will walk to the market.",
    "Remind me to call my sister tomorrow morning.",
)
WIDE = (
    "en_timit_ldc93s1",
    "en_sb_spk1_snt1",
    "en_sb_spk2_snt1",
    "en_librispeech_1272-128104-0000",
    "en_librispeech_61-70968-0000",
    "en_mfa_thoughts",
)
TARGET_GAIN = 0.10
TARGET_CER_POINTS = 5.0


@dataclass(frozen=True)
class Clip:
    id: str
    path: Path
    transcript: str
    reference: bool
    """Marked ``voice_clone_ref=yes`` in the manifest."""


@dataclass
class Bare:
    """The base voice on the held-out sentences, shared by every clip."""

    audio: list[NDArray[np.float32]]
    rate: int
    synth_s: float
    audio_s: float
    embeddings: list[NDArray[np.float32]]
    texts: list[str]
    cer: float


@dataclass
class ClipResult:
    id: str
    reference_f0: float | None
    f0_ratio: float
    warp: float
    fit_s: float
    similarity_bare: float
    similarity_matched: float
    cer_bare: float
    cer_matched: float
    match_s: float
    audio_s: float
    texts: list[str]

    @property
    def gain(self) -> float:
        return self.similarity_matched - self.similarity_bare

    @property
    def match_rtf(self) -> float:
        return self.match_s / self.audio_s


class Listener:
    """Who judges: Resemblyzer for the voice, the embedded speech to text for the words."""

    def __init__(self, app: App) -> None:
        resemblyzer = importlib.import_module("resemblyzer")
        self._encoder: Any = resemblyzer.VoiceEncoder("cpu", verbose=False)
        self._preprocess: Any = resemblyzer.preprocess_wav
        self._app = app

    def embed(self, audio: NDArray[np.float32], rate: int) -> NDArray[np.float32]:
        """A unit-length speaker embedding (Resemblyzer resamples to 16 kHz and trims silence)."""
        wav = self._preprocess(audio.astype(np.float32), source_sr=rate)
        return np.asarray(self._encoder.embed_utterance(wav), dtype=np.float32)

    def hear(self, audio: Sequence[NDArray[np.float32]], rate: int) -> tuple[float, list[str]]:
        """Corpus CER over ``SENTENCES`` on normalised text, and what was heard."""
        heard = [
            self._app.transcription.transcribe(pcm16_bytes(a, rate), TranscriptionRequest(language="en")).text
            for a in audio
        ]
        texts = [normalize(t, "en") for t in heard]
        return char_error_rate([normalize(s, "en") for s in SENTENCES], texts), texts


def need_resemblyzer() -> None:
    if importlib.util.find_spec("resemblyzer") is None or importlib.util.find_spec("torch") is None:
        sys.exit("bench/voices.py needs Resemblyzer and torch: pip install 'homevoice[voices-bench]'")


def load_clips(manifest: Path) -> list[Clip]:
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Clip(
            row["id"],
            (manifest.parent / row["path"]).resolve(),
            row["transcript"],
            row["voice_clone_ref"] == "yes",
        )
        for row in rows
        if row["lang"] == "en"
    ]


def speak(app: App, text: str) -> tuple[NDArray[np.float32], int, float]:
    """The base voice through the speech service: audio, its rate, seconds it took."""
    started = time.perf_counter()
    plan = app.speech.plan(SpeechRequest(text=text, voice=BASE_VOICE, language="en"))
    audio = np.concatenate(list(app.speech.samples(plan))).astype(np.float32)
    return audio, app.speech.sample_rate(plan.voice), time.perf_counter() - started


def bare_side(app: App, listener: Listener) -> Bare:
    speak(app, "Warming up.")  # loads the voice, so its loading time is not counted
    spoken = [speak(app, s) for s in SENTENCES]
    audio = [a for a, _, _ in spoken]
    rate = spoken[0][1]
    cer, texts = listener.hear(audio, rate)
    return Bare(
        audio,
        rate,
        sum(s for _, _, s in spoken),
        sum(len(a) for a in audio) / rate,
        [listener.embed(a, rate) for a in audio],
        texts,
        cer,
    )


def run_clip(app: App, listener: Listener, clip: Clip, bare: Bare) -> ClipResult | None:
    """Enrol the clip as a user would (checks, transcript given, base voice chosen, match fitted),
    then transform the bare sentences with the voice's match. None when the checks refuse it."""
    reference = decode_audio(clip.path).samples
    target = listener.embed(reference, 16_000)
    voices = app.enrolled_voices()
    request = EnrolRequest(
        name=f"bench-{clip.id.replace('.', '-')}"[:40],
        source=clip.path,
        origin="bench",
        transcript=clip.transcript,
        language="en",
    )
    started = time.perf_counter()
    try:
        voice = voices.enrol(request)
    except HomevoiceError as err:
        print(f"{clip.id}: refused at enrolment [{err.code}]")
        return None
    fit_s = time.perf_counter() - started
    voices.remove(voice.name)
    assert voice.match is not None
    params = MatchParams.from_json(voice.match)
    if params.base_voice != BASE_VOICE:
        raise SystemExit(f"{clip.id}: enrolment chose {params.base_voice}, not {BASE_VOICE}")
    started = time.perf_counter()
    matched = [apply_match(a, bare.rate, params) for a in bare.audio]
    match_s = time.perf_counter() - started
    cer, texts = listener.hear(matched, bare.rate)
    return ClipResult(
        clip.id,
        median_f0(reference, 16_000),
        params.f0_ratio,
        params.warp,
        fit_s,
        float(np.mean([target @ e for e in bare.embeddings])),
        float(np.mean([target @ listener.embed(a, bare.rate) for a in matched])),
        bare.cer,
        cer,
        match_s,
        bare.audio_s,
        texts,
    )


def print_table(title: str, results: list[ClipResult]) -> None:
    print(f"\n{title}")
    header = (
        f"{'clip':<34}{'ref F0':>7}{'F0 x':>6}{'warp':>6}{'sim bare':>10}{'sim match':>10}{'gain':>8}"
        f"{'CER bare':>10}{'CER match':>10}{'d CER':>7}{'enrol s':>8}{'match RTF':>11}"
    )
    print(header)
    for r in results:
        f0 = f"{r.reference_f0:.0f}" if r.reference_f0 else "-"
        print(
            f"{r.id:<34}{f0:>7}{r.f0_ratio:>6.2f}{r.warp:>6.3f}{r.similarity_bare:>10.3f}"
            f"{r.similarity_matched:>10.3f}{r.gain:>+8.3f}{r.cer_bare * 100:>9.1f}%{r.cer_matched * 100:>9.1f}%"
            f"{(r.cer_matched - r.cer_bare) * 100:>+7.1f}{r.fit_s:>8.2f}{r.match_rtf:>11.3f}"
        )
    mean = _mean_row(results)
    print(
        f"{'mean':<34}{'':>7}{'':>6}{'':>6}{mean['similarity_bare']:>10.3f}{mean['similarity_matched']:>10.3f}"
        f"{mean['gain']:>+8.3f}{mean['cer_bare'] * 100:>9.1f}%{mean['cer_matched'] * 100:>9.1f}%"
        f"{mean['cer_points']:>+7.1f}{mean['fit_s']:>8.2f}{mean['match_rtf']:>11.3f}"
    )


def _mean_row(results: list[ClipResult]) -> dict[str, float]:
    def avg(values: list[float]) -> float:
        return float(np.mean(values))

    return {
        "similarity_bare": avg([r.similarity_bare for r in results]),
        "similarity_matched": avg([r.similarity_matched for r in results]),
        "gain": avg([r.gain for r in results]),
        "cer_bare": avg([r.cer_bare for r in results]),
        "cer_matched": avg([r.cer_matched for r in results]),
        "cer_points": avg([(r.cer_matched - r.cer_bare) * 100 for r in results]),
        "fit_s": avg([r.fit_s for r in results]),
        "match_rtf": avg([r.match_rtf for r in results]),
    }


def print_summary(results: list[ClipResult], bare: Bare) -> None:
    mean = _mean_row(results)
    bare_rtf = bare.synth_s / bare.audio_s
    print(
        f"\nbare {BASE_VOICE}: RTF {bare_rtf:.3f} ({bare.audio_s:.1f} s of speech), CER {bare.cer * 100:.1f}%; "
        f"the match adds RTF {mean['match_rtf']:.3f} ({mean['match_rtf'] / bare_rtf:.2f}x the voice's own time), "
        f"enrolment {mean['fit_s']:.2f} s (checks, base voice, fit)"
    )
    gain_ok = mean["gain"] >= TARGET_GAIN
    cer_ok = mean["cer_points"] <= TARGET_CER_POINTS
    print(
        f"target: mean similarity gain >= +{TARGET_GAIN:.2f}: {mean['gain']:+.3f} {'PASS' if gain_ok else 'FAIL'}"
    )
    print(
        f"target: CER no more than {TARGET_CER_POINTS:.0f} points worse: {mean['cer_points']:+.1f} "
        f"{'PASS' if cer_ok else 'FAIL'}"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stt-model", default="base", help="Embedded speech-to-text model for CER.")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for speech to text.")
    parser.add_argument("--no-wide", action="store_true", help="Only the voice_clone_ref=yes clips.")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    need_resemblyzer()
    clips = load_clips(args.manifest)
    references = [c for c in clips if c.reference]
    wide = [] if args.no_wide else [c for c in clips if c.id in WIDE]
    print(
        f"{len(references)} reference clips, {len(wide)} more; {os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.2f}"
    )
    with data_dir(args.data_dir) as data:
        settings = load_settings(
            data_dir=data,
            log_level="WARNING",
            models={"keep_alive_s": -1},
            stt={"model": args.stt_model, "cpu_threads": args.threads},
        )
        app = build_app(settings)
        try:
            listener = Listener(app)
            bare = bare_side(app, listener)
            runs = {
                name: [r for c in group if (r := run_clip(app, listener, c, bare)) is not None]
                for name, group in (("ref", references), ("wide", wide))
            }
        finally:
            app.close()
    print_table("voice_clone_ref=yes clips", runs["ref"])
    if runs["wide"]:
        print_table("wider set: other clean single-speaker clips (not the target set)", runs["wide"])
    print_summary(runs["ref"], bare)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if args.json:
        report = {
            "sentences": SENTENCES,
            "bare": {"rtf": bare.synth_s / bare.audio_s, "cer": bare.cer, "texts": bare.texts},
            **{
                name: {"clips": [asdict(r) for r in rs], "mean": _mean_row(rs)}
                for name, rs in runs.items()
                if rs
            },
        }
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
