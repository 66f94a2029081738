"""``homevoice say TEXT -o OUT.ogg``: speak text into an audio file, or show how it would be read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from homevoice.app import build_app
from homevoice.audio.encode import AudioFormat, format_for_path
from homevoice.cli.context import fail, state
from homevoice.cli.output import write_chunks_atomically
from homevoice.errors import HomevoiceError
from homevoice.services.speech import SpeechRequest
from homevoice.text import Pause


def say(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="The text to speak; `-` reads standard input.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the text from this file.")] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Audio file to write; its extension picks the format (.ogg, .mp3, .m4a, .flac, .wav).",
        ),
    ] = None,
    fmt: Annotated[
        AudioFormat | None,
        typer.Option("--format", help="Format when writing to stdout or overriding the extension."),
    ] = None,
    voice: Annotated[
        str | None,
        typer.Option(
            "--voice",
            "-v",
            help="Voice name (`homevoice models list`, or an enrolled one: `homevoice voices list`); default by language.",
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="ru or en; default: detected.")
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", help="1.0 natural, 2.0 twice as fast.", min=0.25, max=4.0)
    ] = 1.0,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the voice, language and normalised text instead of speaking."),
    ] = False,
) -> None:
    """Speak text with a local voice."""
    settings = state(ctx).settings()
    content = _read_text(text, file)
    app = build_app(settings)
    try:
        plan = app.speech.plan(SpeechRequest(text=content, voice=voice, language=language, speed=speed))
        if dry_run:
            print(f"voice: {plan.voice}\nlanguage: {plan.language}")
            for part in plan.script.parts:
                print(f"[pause {part.seconds:g}s]" if isinstance(part, Pause) else part.text)
            return
        if output is None and sys.stdout.isatty():
            raise HomevoiceError(
                "Give an output file with -o (for example -o note.ogg), or pipe stdout.", code="no_output"
            )
        chosen = fmt or (format_for_path(output) if output is not None else AudioFormat.WAV)
        m4a = output is not None and output.suffix.lower() == ".m4a"
        container = "ipod" if chosen is AudioFormat.AAC and m4a else None
        app.speech.load(plan.voice)
        chunks = app.speech.encoded(plan, chosen, speed, container=container, streaming=output is None)
        if output is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            write_chunks_atomically(output, chunks)
    except HomevoiceError as err:
        fail(err)
    finally:
        app.close()


def _read_text(text: str | None, file: Path | None) -> str:
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            fail(HomevoiceError(f"Cannot read {file}: {err}", code="file_unreadable"))
    if text == "-" or (text is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if text is None:
        fail(HomevoiceError("Give the text, `-` for standard input, or --file.", code="empty_text"), 2)
    return text
