"""``homevoice transcribe FILE...``"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from homevoice.app import build_app
from homevoice.audio.codec import decode_audio
from homevoice.cli.context import error_line, fail, state
from homevoice.cli.output import output_path, write_atomically
from homevoice.engines.base import ProgressCallback, Transcript
from homevoice.errors import AudioError, HomevoiceError
from homevoice.formats.transcript import TranscriptFormat, render, verbose_json
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService

# Show a progress bar for files at least this long, when stderr is a terminal.
PROGRESS_MIN_SECONDS = 30.0
SUFFIXES = {TranscriptFormat.VERBOSE_JSON: "json"}


def transcribe(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Audio or video files (ogg/opus, mp3, m4a, flac, wav, webm, mp4).")
    ],
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="ru, en, ... or auto (default: settings, else auto)."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Model name (see `homevoice models list`) or a model folder."),
    ] = None,
    fmt: Annotated[
        TranscriptFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TranscriptFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output file; with several inputs, a folder.")
    ] = None,
    translate: Annotated[
        bool, typer.Option("--translate", help="Translate the speech into English.")
    ] = False,
    prompt: Annotated[
        str | None, typer.Option("--prompt", help="Initial prompt: spelling of names, style.")
    ] = None,
    hotwords: Annotated[
        str | None, typer.Option("--hotwords", help="Words to favour, separated by spaces.")
    ] = None,
    word_timestamps: Annotated[
        bool, typer.Option("--word-timestamps", help="Timestamps per word (verbose_json).")
    ] = False,
    batched: Annotated[
        bool | None,
        typer.Option(
            "--batched/--sequential",
            help="Force the batched or the sequential pipeline (default: batched for long audio).",
        ),
    ] = None,
    vad: Annotated[
        bool | None, typer.Option("--vad/--no-vad", help="Skip non-speech before decoding (default: on).")
    ] = None,
) -> None:
    """Transcribe audio files locally. Errors go to stderr; the exit code is 1 if any file failed."""
    settings = state(ctx).settings()
    request = TranscriptionRequest(
        model=model,
        language=language,
        task="translate" if translate else "transcribe",
        initial_prompt=prompt,
        hotwords=hotwords,
        word_timestamps=word_timestamps,
        batched=batched,
        vad=vad,
    )
    several = len(files) > 1
    if several and output is not None and output.exists() and not output.is_dir():
        fail(
            HomevoiceError(
                f"{output} must be a folder when transcribing several files.", code="invalid_output"
            ),
            2,
        )
    app = build_app(settings)
    failures = 0
    try:
        for path in files:
            try:
                transcript = _transcribe_one(app.transcription, path, request, settings.stt.max_duration_s)
                _emit(transcript, path, fmt, output, several, request.task)
            except HomevoiceError as err:
                failures += 1
                # Audio errors already name the file.
                subject = "" if isinstance(err, AudioError) else str(path)
                print(error_line(err, subject), file=sys.stderr)
            except OSError as err:  # the output cannot be written: full disk, read-only folder
                failures += 1
                problem = HomevoiceError(
                    f"cannot write the result: {err.strerror or err}.", code="output_failed"
                )
                print(error_line(problem, str(path)), file=sys.stderr)
    finally:
        app.close()
    if failures:
        raise typer.Exit(1)


def _transcribe_one(
    service: TranscriptionService, path: Path, request: TranscriptionRequest, max_duration_s: float
) -> Transcript:
    audio = decode_audio(path, max_duration_s=max_duration_s, name=str(path))
    with _progress_bar(path.name, audio.duration) as progress:
        return service.transcribe_samples(audio.samples, request, progress=progress)


@contextmanager
def _progress_bar(label: str, duration: float) -> Iterator[ProgressCallback | None]:
    if duration < PROGRESS_MIN_SECONDS or not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    # The bar goes to stderr: stdout carries the transcript.
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=1.0)
        yield lambda share: bar.update(task, completed=share)


def _emit(
    transcript: Transcript, path: Path, fmt: TranscriptFormat, output: Path | None, several: bool, task: str
) -> None:
    if fmt is TranscriptFormat.JSON:
        text = json.dumps(_json_line(transcript, path), ensure_ascii=False) + "\n"
    elif fmt is TranscriptFormat.VERBOSE_JSON and several:
        text = json.dumps({"file": str(path), **verbose_json(transcript, task)}, ensure_ascii=False) + "\n"
    else:
        text = render(transcript, fmt, task)
    if output is not None:
        write_atomically(output_path(output, path, SUFFIXES.get(fmt, fmt.value), several), text)
        return
    if several and fmt in (TranscriptFormat.TEXT, TranscriptFormat.SRT, TranscriptFormat.VTT):
        text = f"==> {path} <==\n{text}\n"
    sys.stdout.write(text)
    sys.stdout.flush()


def _json_line(transcript: Transcript, path: Path) -> dict[str, object]:
    return {
        "file": str(path),
        "text": transcript.text,
        "language": transcript.language,
        "duration": round(transcript.duration, 3),
        "segments": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text} for s in transcript.segments
        ],
    }
