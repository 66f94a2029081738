"""``homevoice voices add|list|rm``: the voices enrolled from a sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homevoice.app import build_app
from homevoice.cli.context import fail, state
from homevoice.errors import HomevoiceError
from homevoice.services.voices import EnrolRequest, describe

app = typer.Typer(help="Voices enrolled from a sample of someone speaking.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The voice's name: letters, digits, '_' and '-'.")],
    sample: Annotated[Path, typer.Argument(help="5-15 s of one person speaking, in any audio format.")],
    transcript: Annotated[
        str | None, typer.Option("--transcript", "-t", help="What the sample says (default: transcribed).")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="ru or en (default: detected).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the voice as JSON.")] = False,
) -> None:
    """Enrol a voice from a sample; then `homevoice say --voice NAME` speaks with it."""
    application = build_app(state(ctx).settings())
    try:
        service = application.enrolled_voices()
        if not sample.is_file():
            raise HomevoiceError(f"{sample} is not a file.", code="file_unreadable")
        voice = service.enrol(
            EnrolRequest(
                name=name,
                source=sample,
                origin=f"file {sample.name}",
                transcript=transcript,
                language=language,
            )
        )
        entry = describe(voice, service.speaking_engine())
    except HomevoiceError as err:
        fail(err)
    finally:
        application.close()
    if as_json:
        print(json.dumps(entry, ensure_ascii=False, indent=2))
        return
    note = " (trimmed)" if voice.trimmed else ""
    print(f"Enrolled {voice.name}: {voice.speech_s:.1f} s of speech{note}, {voice.language}.")
    print(
        f"Heard: {voice.transcript}" if voice.transcript_source == "transcribed" else "Transcript as given."
    )
    if entry["approximate"]:
        print(f"It speaks by voice match (approximate), based on {entry['base_voice']}.")


@app.command("list")
def list_voices(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The enrolled voices: when and from what each was made."""
    application = build_app(state(ctx).settings())
    try:
        service = application.enrolled_voices()
        engine = service.speaking_engine()
        entries = [describe(voice, engine) for voice in service.list_voices()]
    finally:
        application.close()
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    if not entries:
        print("No voices enrolled; add one with `homevoice voices add NAME SAMPLE`.")
        return
    kind = "voice match (approximate)" if engine == "voice-match" else engine
    table = Table(title=f"Enrolled voices: spoken by {kind}")
    for column in ("name", "language", "speech", "enrolled", "from"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            str(entry["id"]),
            ", ".join(entry["languages"]),
            f"{entry['speech_s']:.1f} s",
            str(entry["enrolled_at"]),
            str(entry["source"]),
        )
    Console().print(table)


@app.command("rm")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The voice to remove, with its sample.")],
) -> None:
    """Remove an enrolled voice and its sample."""
    application = build_app(state(ctx).settings())
    try:
        voice = application.enrolled_voices().remove(name)
    except HomevoiceError as err:
        fail(err)
    finally:
        application.close()
    print(f"Removed {voice.name}.")
