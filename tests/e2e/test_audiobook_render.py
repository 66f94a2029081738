"""Documents read aloud with the real embedded voice, checked by reading the files back and by ear
(the embedded speech-to-text model)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from homevoice.app import App, build_app
from homevoice.audio.codec import decode_audio
from homevoice.audiobooks.container import read_chapters
from homevoice.evaluation.wer import normalize, word_error_rate
from homevoice.services.audiobooks import AudiobookRequest
from homevoice.services.transcription import TranscriptionRequest
from homevoice.settings import load_settings
from tests.fakes.cli import cli_env
from tests.fakes.documents import english_paragraphs, tiny_png, write_epub, write_pdf

pytestmark = pytest.mark.e2e

CHAPTERS = [
    (
        "The Harbour",
        ["The boats came back to the harbour before the storm.", "Nobody wanted to stay out at sea."],
    ),
    (
        "The Market",
        ["On Saturday the market was full of apples and bread.", "Children ran between the stalls."],
    ),
    ("The Road Home", ["The road home was long and quiet.", "At last the lights of the village appeared."]),
]


def own_data_dir(tmp_path: Path, models_dir: Path) -> Path:
    """A data dir of this test's own (its sentence cache starts empty), sharing the joined models."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(models_dir, target_is_directory=True)
    return data


@pytest.fixture
def books_app(tmp_path: Path, models_dir: Path) -> Iterator[App]:
    settings = load_settings(
        data_dir=own_data_dir(tmp_path, models_dir), audiobooks={"workers": 2}, stt={"cpu_threads": 2}
    )
    application = build_app(settings)
    yield application
    application.close()


def test_pdf_becomes_an_m4b_with_its_chapters_and_says_its_words(books_app: App, tmp_path: Path) -> None:
    source = tmp_path / "stories.pdf"
    write_pdf(source, "Three Stories", "A. Writer", CHAPTERS, running_header="Three Stories")
    service = books_app.audiobooks()
    document = service.load(source)
    result = service.render(
        document, AudiobookRequest(voice="en_US-joe-medium"), "stories", source=source.name
    )

    record = result.record
    assert [c.title for c in record.chapters] == [title for title, _ in CHAPTERS]
    assert record.format == "m4b" and record.author == "A. Writer" and record.title == "Three Stories"
    book = result.folder / "book.m4b"
    marks = read_chapters(book)
    assert [title for title, _, _ in marks] == [title for title, _ in CHAPTERS]
    for (_, start, end), mark in zip(marks, record.chapters, strict=True):
        assert end - start > 2.0
        assert abs(start - mark.start) < 0.1 and abs(end - mark.end) < 0.1
    with av.open(str(book)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert container.metadata.get("title") == "Three Stories"
        duration = float(container.duration or 0) / av.time_base
    assert abs(duration - record.duration) < 0.2
    assert abs(marks[-1][2] - duration) < 0.3
    # Published: listed by the library with subtitles beside the audio.
    assert books_app.audiobook_library().get("stories").id == "stories"
    assert (result.folder / "book.srt").read_text(encoding="utf-8").count("-->") >= 6
    assert result.stats.synthesised == 9 and result.stats.cached == 0  # 3 titles + 6 sentences

    # By ear: the second chapter, cut out of the book, transcribes to its own words.
    samples = decode_audio(book.read_bytes(), name="book.m4b").samples
    _, start, end = marks[1]
    clip = samples[int(start * 16_000) : int(end * 16_000)]
    heard = books_app.transcription.transcribe_samples(
        clip, TranscriptionRequest(model="tiny.en", language="en")
    )
    expected = "The Market. " + " ".join(CHAPTERS[1][1])
    wer = word_error_rate([normalize(expected, "en")], [normalize(heard.text, "en")])
    assert wer < 0.3, heard.text


def test_epub_chapters_cover_and_a_second_render_synthesises_nothing(books_app: App, tmp_path: Path) -> None:
    source = tmp_path / "stories.epub"
    write_epub(source, "Tales", "B. Author", CHAPTERS[:2], cover=tiny_png())
    service = books_app.audiobooks()
    first = service.render(service.load(source), AudiobookRequest(), "tales")
    assert [c.title for c in first.record.chapters] == ["The Harbour", "The Market"]
    assert any(f.kind == "cover" and f.media_type == "image/png" for f in first.record.files)
    again = service.render(service.load(source), AudiobookRequest(), "tales-again")
    assert again.stats.synthesised == 0 and again.stats.cached == first.stats.synthesised
    assert abs(again.record.duration - first.record.duration) < 0.05


def test_an_edited_document_resynthesises_only_what_changed(books_app: App, tmp_path: Path) -> None:
    service = books_app.audiobooks()
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# Walk\n\nI walked to the lake. The water was cold. A heron stood still.\n", encoding="utf-8"
    )
    first = service.render(service.load(notes), AudiobookRequest(), "walk")
    notes.write_text(
        "# Walk\n\nI walked to the lake. The water was warm. A heron stood still.\n", encoding="utf-8"
    )
    second = service.render(service.load(notes), AudiobookRequest(), "walk")
    assert first.stats.synthesised == 4
    assert (second.stats.synthesised, second.stats.cached) == (1, 3)


def test_per_chapter_mp3_files_and_a_chapter_range(books_app: App, tmp_path: Path) -> None:
    source = tmp_path / "stories.pdf"
    write_pdf(source, "Three Stories", "A. Writer", CHAPTERS)
    service = books_app.audiobooks()
    result = service.render(service.load(source), AudiobookRequest(format="mp3", chapters="2-3"), "two")
    audio = result.record.audio_files
    assert [f.title for f in audio] == ["The Market", "The Road Home"]
    for entry in audio:
        with av.open(io.BytesIO((result.folder / entry.name).read_bytes())) as container:
            assert container.format.name == "mp3"
            assert float(container.duration or 0) / av.time_base > 2.0


def test_a_killed_render_resumes_without_resynthesising_finished_sentences(
    tmp_path: Path, models_dir: Path
) -> None:
    data = own_data_dir(tmp_path, models_dir)
    source = tmp_path / "long.pdf"
    write_pdf(
        source,
        "Long Walk",
        "C. Walker",
        [("One", english_paragraphs(4, seed=1)), ("Two", english_paragraphs(4, seed=2))],
    )
    env = cli_env(data, audiobooks__workers="1")
    args = [
        sys.executable,
        "-m",
        "homevoice",
        "audiobook",
        str(source),
        "-o",
        str(tmp_path / "long.m4b"),
        "--json",
    ]
    cache = data / "audiobooks" / "cache"

    first = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while len(list(cache.rglob("*.wav"))) < 5:
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            assert time.monotonic() < deadline, "no sentence was synthesised in time"
            time.sleep(0.1)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the CLI and its synthesis processes
        first.wait(timeout=30)
    finished = {p: p.stat().st_ino for p in cache.rglob("*.wav")}
    finished_before = len(finished)
    assert not (tmp_path / "long.m4b").exists()

    second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["cached"] >= finished_before
    assert summary["synthesised"] > 0
    assert summary["synthesised"] + summary["cached"] == len(list(cache.rglob("*.wav")))
    assert [title for title, _, _ in read_chapters(tmp_path / "long.m4b")] == ["One", "Two"]
    # The sentences finished before the kill are the very files written then: none was redone.
    assert {p: p.stat().st_ino for p in finished} == finished


def test_bad_documents_get_clear_errors(tmp_path: Path, models_dir: Path) -> None:
    data = own_data_dir(tmp_path, models_dir)
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "random.epub").write_bytes(np.random.default_rng(1).bytes(2048))
    for name, code in [("empty.pdf", "empty_document"), ("random.epub", "invalid_document")]:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "homevoice",
                "audiobook",
                str(tmp_path / name),
                "-o",
                str(tmp_path / "x.m4b"),
            ],
            env=cli_env(data),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1
        assert f"[{code}]" in result.stderr, result.stderr
    assert not (tmp_path / "x.m4b").exists()
