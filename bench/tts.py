"""Text-to-speech benchmark: what homevoice adds to the engines, and how soon a stream starts.

1. Real-time factor per engine: Piper en_US-joe-medium (embedded) on a ~600-character English text,
   Festival festival-ru on a ~600-character Russian one.
2. Piper on the English text through four sides, interleaved round by round: bare piper-tts
   (``PiperVoice.load`` + its own ``synthesize``), homevoice in-process (``SpeechService.plan`` +
   ``samples``, and + ``encoded`` to WAV) and HTTP (the ``openai`` SDK against ``homevoice serve``
   in its own process). Ratios against bare (target <= 1.10), and the text front end alone.
3. Time to the first audio byte over HTTP for a ~1,000-character text, streamed (wav, opus) against
   the whole body, with the first sentence's synthesis alone as the target line.
4. The server's peak RSS over the run.

    .venv/bin/python bench/tts.py [--repeats 12] [--stream-repeats 4] [--festival-repeats 2] [--quick]
        [--gap 0.1] [--json OUT] [--data-dir DIR]

See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Python puts this file's folder first on sys.path, and bench/http.py there would shadow the standard
# library's ``http`` package for httpx and the openai SDK: move the folder last, so the real ``http``
# wins while the ``tts_*`` and ``http_*`` helpers still import by name.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Sequence

from bench_dirs import data_dir
from homevoice.services.speech import SpeechRequest
from http_server import PeakRss, rss_mb
from http_sides import openai_client
from tts_common import (
    BARE,
    EN_600,
    EN_1000,
    FESTIVAL_BARE,
    FESTIVAL_HOMEVOICE,
    FESTIVAL_VOICE,
    HTTP,
    IN_PROCESS_SAMPLES,
    IN_PROCESS_WAV,
    PIPER_VOICE,
    RU_600,
    Report,
    console,
)
from tts_phases import measure_first_audio, measure_sides, time_first_encode, time_front_end
from tts_report import print_conditions, print_report, write_json
from tts_server import empty_config, install_models, peak_rss_kernel_mb, running_server, server_time
from tts_sides import (
    bare_call,
    count_calls,
    festival_bare_call,
    homevoice_threads,
    http_call,
    keep_warm,
    load_app,
    load_bare,
    piper_onnx,
    piper_sentences,
    samples_call,
    session_threads,
    stream_call,
    wav_call,
    whole_call,
)

SRC = Path(__file__).resolve().parents[1] / "src"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=12, help="rounds of the Piper sides (600 characters)")
    parser.add_argument(
        "--stream-repeats", type=int, default=4, help="rounds of the time-to-first-audio phase"
    )
    parser.add_argument("--festival-repeats", type=int, default=2, help="rounds of the Festival sides")
    parser.add_argument("--quick", action="store_true", help="4 Piper rounds, 2 streaming, 1 Festival")
    parser.add_argument("--no-festival", action="store_true", help="skip Festival (no text2wave here)")
    parser.add_argument("--gap", type=float, default=0.1, help="idle seconds before each timed call")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--data-dir", type=Path, help="homevoice data dir (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.stream_repeats, args.festival_repeats = 4, 2, 1
    return args


def source_mtime() -> float:
    """The newest modification time under src/: other work editing the tree during a run shows here."""
    return max(path.stat().st_mtime for path in SRC.rglob("*.py"))


def phase(report: Report, name: str, body: Callable[[], None]) -> None:
    """Run one phase; a failure becomes a note, and the phases after it and the report still run."""
    try:
        body()
    except Exception as err:
        report.notes.append(f"{name} failed: {type(err).__name__}: {err}")
        console.print(f"[red]{name} failed[/red]: {type(err).__name__}: {err}")


def run(args: argparse.Namespace, directory: Path, work: Path, report: Report, started: float) -> None:
    console.print(install_models(directory, work))
    console.print(f"voice: {piper_onnx(directory)}")
    with running_server(directory, work) as (base, pid), PeakRss(pid) as peak:
        report.rss_mb["ready"] = rss_mb(pid)
        console.print(f"server {base} (pid {pid}) ready in {time.perf_counter() - started:.0f} s")
        voice = load_bare(directory)
        app = load_app(directory, empty_config(work))
        client = openai_client(base)
        rate = app.speech.sample_rate(PIPER_VOICE)

        def warm() -> None:
            keep_warm(client)

        def piper() -> None:
            console.print(f"piper: {args.repeats} rounds x 4 sides (+ warm-up), {len(EN_600)} characters ...")
            calls = {
                BARE: bare_call(voice, EN_600),
                IN_PROCESS_SAMPLES: samples_call(app, EN_600, PIPER_VOICE),
                IN_PROCESS_WAV: wav_call(app, EN_600, PIPER_VOICE),
                HTTP: http_call(client, EN_600, PIPER_VOICE, rate),
            }
            report.piper = measure_sides(
                "piper",
                len(EN_600),
                calls,
                args.repeats,
                args.gap,
                http_side=HTTP,
                keep_warm=warm,
                server_clock=lambda: server_time(base),
            )
            report.rss_mb["after the Piper sides"] = rss_mb(pid)
            report.threads = {"bare": session_threads(voice.session), "homevoice": homevoice_threads(app)}
            report.calls["bare en_600"] = piper_sentences(voice, EN_600)
            report.calls["homevoice en_600"] = count_calls(app, PIPER_VOICE, calls[IN_PROCESS_SAMPLES])

        def front_end() -> None:
            texts = {"en_600": EN_600, "ru_600": RU_600, "en_1000": EN_1000}
            report.prepare_s = time_front_end(app, texts)
            for name, text in texts.items():
                report.sentences[name] = len(app.speech.plan(SpeechRequest(text=text)).script.parts)

        def first_audio() -> None:
            first_sentence = EN_1000.split(". ")[0] + "."
            console.print(f"first audio: {args.stream_repeats} rounds, {len(EN_1000)} characters ...")
            report.first_audio = measure_first_audio(
                EN_1000,
                first_sentence,
                samples_call(app, first_sentence, PIPER_VOICE),
                http_call(client, first_sentence, PIPER_VOICE, rate),
                lambda text, fmt: stream_call(client, text, fmt),
                lambda text, fmt: whole_call(client, text, fmt),
                args.stream_repeats,
                args.gap,
                warm,
            )
            report.first_audio.encode_s = time_first_encode(app, first_sentence, PIPER_VOICE)

        def festival() -> None:
            console.print(
                f"festival: {args.festival_repeats} rounds x 2 sides (+ warm-up), {len(RU_600)} characters ..."
            )
            sides = {
                FESTIVAL_BARE: festival_bare_call(RU_600, work),
                FESTIVAL_HOMEVOICE: samples_call(app, RU_600, FESTIVAL_VOICE),
            }
            report.calls["homevoice ru_600"] = count_calls(app, FESTIVAL_VOICE, sides[FESTIVAL_HOMEVOICE])
            report.festival = measure_sides("festival", len(RU_600), sides, args.festival_repeats, args.gap)

        phase(report, "the Piper sides", piper)
        phase(report, "the front end", front_end)
        phase(report, "time to first audio", first_audio)
        report.rss_mb["idle at the end"] = rss_mb(pid)
        report.rss_mb["peak (kernel VmHWM, server process)"] = peak_rss_kernel_mb(pid)
        client.close()
        if not args.no_festival:
            phase(report, "Festival", festival)
        app.close()
    report.rss_mb["peak (sampled, process and children)"] = peak.peak_mb


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    for name in [n for n in os.environ if n.startswith("HOMEVOICE_")]:
        del os.environ[name]  # the in-process side must see the settings given here, nothing else
    report = Report(config={k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()})
    report.load_average["start"] = os.getloadavg()[0]
    source = source_mtime()
    with data_dir(args.data_dir) as directory, tempfile.TemporaryDirectory(prefix="tts-bench-") as tmp:
        run(args, directory, Path(tmp), report, started)
    report.load_average["end"] = os.getloadavg()[0]
    if source_mtime() != source:
        report.notes.append("files under src/ changed during the run: its figures may mix two versions")
    print_report(report)
    print_conditions(report, time.perf_counter() - started)
    if args.json:
        write_json(report, args.json)
        console.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
