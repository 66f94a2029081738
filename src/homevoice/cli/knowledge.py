"""``homevoice index | search | ask | expand``: the vault's search index, answers and expanded notes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from homevoice.cli.context import fail, state
from homevoice.cli.knowledge_server import ServerKnowledge
from homevoice.errors import HomevoiceError
from homevoice.knowledge.answer import passage_label, sources_footer
from homevoice.knowledge.model import IndexProgress, KnowledgeError, SearchMode
from homevoice.knowledge.views import answer_json, search_result
from homevoice.services.knowledge import KnowledgeService

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
_EXCERPT = 240
T = TypeVar("T")


def index(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Bring the search index up to date with the vault: new and changed notes and PDFs are read and
    embedded, deleted ones leave. Sources that cannot be read are listed; the rest is indexed."""

    def work(service: KnowledgeService) -> dict[str, Any]:
        with _progress_bar() as progress:
            return asdict(service.refresh(progress))

    report = _run(ctx, work)
    if as_json:
        _print_json(report)
        return
    for failure in report["failed"]:
        print(f"homevoice: warning: not indexed: {failure}", file=sys.stderr)
    print(
        f"{report['added']} added, {report['updated']} updated, {report['removed']} removed, "
        f"{report['unchanged']} unchanged; {report['chunks']} passages, {report['embedded']} embedded "
        f"in {report['seconds']:.1f} s",
        file=sys.stderr,
    )


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in words or as a question.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=50, help="How many passages.")] = 5,
    mode: Annotated[
        SearchMode, typer.Option("--mode", help="hybrid (meanings and words), vector or keyword.")
    ] = SearchMode.HYBRID,
    as_json: AsJson = False,
) -> None:
    """Search the vault's notes and PDFs; no LLM needed."""
    passages = _run(
        ctx,
        lambda service: service.search(query, limit, mode),
        lambda server: server.search(query, limit, mode),
    )
    if as_json:
        vault = state(ctx).settings().vault_name
        _print_json({"results": [search_result(p, vault) for p in passages]})
        return
    if not passages:
        print("Nothing found.", file=sys.stderr)
    for rank, passage in enumerate(passages, 1):
        text = " ".join(passage.text.split())
        excerpt = text if len(text) <= _EXCERPT else text[: _EXCERPT - 1].rstrip() + "…"
        print(f"{rank}. {passage.link}  ({passage_label(passage)}, score {passage.score:.3f})\n   {excerpt}")


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question about your notes.")],
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, max=50, help="Passages given to the LLM.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Answer from your notes through the LLM (HOMEVOICE_LLM__BASE_URL), with the sources' links.
    The answer is printed as it is written."""
    if as_json:
        answer = _run(
            ctx,
            lambda service: service.ask(question, limit=limit),
            lambda server: server.ask(question, limit),
        )
        _print_json(answer_json(answer, state(ctx).settings().vault_name))
        return

    def stream(service: KnowledgeService) -> None:
        citations, pieces = service.stream_ask(question, limit=limit)
        for piece in pieces:
            sys.stdout.write(piece)
            sys.stdout.flush()
        sys.stdout.write(sources_footer(citations, question) + "\n")

    def whole(server: ServerKnowledge) -> None:
        answer = server.ask(question, limit)
        sys.stdout.write(answer.text + sources_footer(answer.citations, question) + "\n")

    _run(ctx, stream, whole)


def expand(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--day", help="Only the notes of this day (YYYY-MM-DD); default every day.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Expand the notes marked `status: unprocessed` into structured notes (summary, ideas, tasks,
    open questions, sources) in HOMEVOICE_RAG__EXPAND_FOLDER, and mark them processed."""
    chosen: date | None = None
    if day is not None:
        try:
            chosen = date.fromisoformat(day)
        except ValueError:
            fail(HomevoiceError(f"--day {day!r} is not a date like 2026-01-31.", code="invalid_request"), 2)
    report = _run(ctx, lambda service: service.expand(day=chosen))
    if as_json:
        _print_json(asdict(report))
        return
    for path in report.written:
        print(path)
    print(
        f"{len(report.written)} expanded note(s) written, {len(report.processed)} note(s) marked processed",
        file=sys.stderr,
    )
    for path in report.skipped:
        print(f"homevoice: warning: {path} changed while it was expanded; left unprocessed", file=sys.stderr)


def _run(
    ctx: typer.Context,
    work: Callable[[KnowledgeService], T],
    on_server: Callable[[ServerKnowledge], T] | None = None,
) -> T:
    """Open the index, do ``work``, close it; any error is one line on stderr and exit code 1.

    With ``on_server``: when a running server holds the index, ask it instead.
    """
    settings = state(ctx).settings()
    from homevoice.services.knowledge_build import build_knowledge

    try:
        service = build_knowledge(settings)
    except KnowledgeError as err:
        if err.code != "index_busy" or on_server is None:
            fail(err)
        server = ServerKnowledge(settings)
        try:
            return on_server(server)
        except HomevoiceError as remote_err:
            fail(remote_err)
        finally:
            server.close()
    except HomevoiceError as err:
        fail(err)
    try:
        return work(service)
    except HomevoiceError as err:
        fail(err)
    finally:
        service.close()


@contextmanager
def _progress_bar() -> Iterator[IndexProgress | None]:
    """A bar on stderr while sources are read (quiet when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("index", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))
