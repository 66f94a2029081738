"""``homevoice audiobook INPUT -o OUT.m4b``: read a PDF, EPUB, Markdown, vault folder or text aloud."""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeRemainingColumn

from homevoice.app import build_app
from homevoice.cli.context import fail, state
from homevoice.errors import HomevoiceError
from homevoice.services.audiobooks import AudiobookRequest, RenderProgress
from homevoice.settings_audiobooks import AudiobookFormat

_SUFFIX_FORMATS: dict[str, AudiobookFormat] = {".m4b": "m4b", ".m4a": "m4b", ".mp4": "m4b"}


def audiobook(
    ctx: typer.Context,
    source: Annotated[
        Path, typer.Argument(help="A PDF, EPUB, Markdown or text file, or a folder of notes.", exists=True)
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The .m4b to write; for --format mp3 or opus, a folder for the chapter files. Default: beside the input's name, here.",
        ),
    ] = None,
    voice: Annotated[
        str | None, typer.Option("--voice", "-v", help="Voice name; default by the book's language.")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="ru or en; default: the book's own or detected.")
    ] = None,
    chapters: Annotated[
        str | None, typer.Option("--chapters", help="Only these chapters, for example 1-3 or 2,5.")
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", help="1.0 natural, 1.5 faster.", min=0.25, max=4.0)
    ] = 1.0,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="m4b (one file with chapters), mp3 or opus (a file per chapter)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Synthesis processes; default: every core.", min=1)
    ] = None,
    publish: Annotated[
        bool, typer.Option("--publish", help="Also add it to the server's audiobooks and podcast feed.")
    ] = False,
    subtitles: Annotated[
        bool, typer.Option("--subtitles/--no-subtitles", help="Write .srt and .vtt.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
) -> None:
    """Render a document as an audiobook: chapters, parallel synthesis, resumable from its cache."""
    settings = state(ctx).settings()
    if workers is not None:
        settings = settings.model_copy(
            update={"audiobooks": settings.audiobooks.model_copy(update={"workers": workers})}
        )
    chosen = _format(fmt, output, settings.audiobooks.format)
    target = output or Path(f"{source.stem}.m4b" if chosen == "m4b" else source.stem)
    app = build_app(settings)
    service = app.audiobooks()
    book_id = f"cli-{uuid.uuid4().hex[:12]}"
    try:
        document = service.load(source)
        request = AudiobookRequest(
            voice=voice, language=language, speed=speed, format=chosen, chapters=chapters, subtitles=subtitles
        )
        with _ProgressBar(document.title) as report:
            result = service.render(
                document, request, book_id, source=source.name, progress=report, publish=publish
            )
        written = _deliver(result.folder, target, chosen, keep=publish)
    except HomevoiceError as err:
        fail(err)
    finally:
        if not publish:
            shutil.rmtree(service.library.root / f"{book_id}.partial", ignore_errors=True)
        app.close()
    stats, record = result.stats, result.record
    summary = {
        "output": [str(p) for p in written],
        "book_id": record.id if publish else None,
        "title": record.title,
        "voice": record.voice,
        "chapters": [c.title for c in record.chapters],
        "duration": record.duration,
        "synthesised": stats.synthesised,
        "cached": stats.cached,
        "workers": service.workers,
    }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"{target}: {len(record.chapters)} chapter(s), {_clock(record.duration)}; "
            f"{stats.synthesised} sentence(s) synthesised, {stats.cached} from the cache",
            file=sys.stderr,
        )


def _format(requested: str | None, output: Path | None, default: AudiobookFormat) -> AudiobookFormat:
    if requested is not None:
        if requested not in ("m4b", "mp3", "opus"):
            fail(
                HomevoiceError(f"Unknown format {requested!r}; use m4b, mp3 or opus.", code="invalid_format"),
                2,
            )
        return requested  # type: ignore[return-value]
    if output is not None and output.suffix.lower() in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[output.suffix.lower()]
    return default


def _deliver(folder: Path, target: Path, fmt: AudiobookFormat, *, keep: bool) -> list[Path]:
    """Copy (published) or move the rendered files to where the user asked."""
    move = shutil.copy2 if keep else shutil.move
    written: list[Path] = []
    if fmt == "m4b":
        target.parent.mkdir(parents=True, exist_ok=True)
        move(folder / "book.m4b", target)
        written.append(target)
        for suffix in (".srt", ".vtt"):
            if (folder / f"book{suffix}").exists():
                move(folder / f"book{suffix}", target.with_suffix(suffix))
                written.append(target.with_suffix(suffix))
        return written
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("chapter-*")):
        move(path, target / path.name)
        written.append(target / path.name)
    return written


class _ProgressBar:
    """A rich progress bar on stderr while rendering (quiet when stderr is not a terminal)."""

    def __init__(self, title: str) -> None:
        self._title = title
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> _ProgressBar:
        if sys.stderr.isatty():
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
            )
            self._bar = Progress(*columns, console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self._title[:40] or "audiobook", total=1.0)
        return self

    def __call__(self, progress: RenderProgress) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=progress.fraction)

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
