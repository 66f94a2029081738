"""``POST /v1/notes`` over a live server with httpx: text and recordings saved into a real vault
folder, hostile titles, refusals, API keys and the daily-note link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from homevoice.settings_capture import VaultSettings
from homevoice.vault.frontmatter import parse_note
from homevoice.vault.obsidian import obsidian_uri
from tests.adapters.conftest import ServerFactory
from tests.fakes.media import encode, tone
from tests.fakes.obsidian import obsidian_vault

pytestmark = pytest.mark.e2e

KEY = "k-notes"
CLIP = "en_librispeech_61-70968-0000"
"""A FLAC recording: stored as it came, never re-encoded."""


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return obsidian_vault(tmp_path / "Home Vault")


@pytest.fixture
def serve(make_server: ServerFactory, vault: Path) -> ServerFactory:
    """A server writing into ``vault``, with vault settings changed as asked."""

    def start(**vault_settings: Any) -> AbstractContextManager[str]:
        settings = VaultSettings(path=vault, timezone="Europe/Moscow", **vault_settings)
        return make_server(vault=settings)

    return start


@pytest.fixture
def url(serve: ServerFactory) -> Iterator[str]:
    with serve() as base:
        yield base


def post(url: str, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    """Multipart, as a browser's FormData sends it: plain fields have no file name."""
    parts = {name: value if isinstance(value, tuple) else (None, value) for name, value in fields.items()}
    return httpx.post(f"{url}/v1/notes", files=parts, headers=headers, timeout=30)


def notes(vault: Path) -> list[str]:
    return sorted(
        p.relative_to(vault).as_posix()
        for p in vault.rglob("*")
        if p.is_file() and ".obsidian" not in p.parts
    )


def test_a_text_note_is_saved_in_the_inbox(url: str, vault: Path) -> None:
    before = datetime.now(UTC)
    response = post(url, text="Buy #seeds for the garden\r\nand call mum", language="en")
    assert response.status_code == 201, response.text
    body = response.json()
    path = body["path"]
    assert body == {
        "object": "note",
        "path": path,
        "title": "Buy seeds for the garden and call mum",
        "audio_path": None,
        "obsidian_uri": obsidian_uri("Home Vault", path),
    }
    assert body["obsidian_uri"].startswith("obsidian://open?vault=Home%20Vault&file=Inbox%2F")
    assert notes(vault) == [path]
    fields, text = parse_note((vault / path).read_text())
    created = fields["created"]
    assert path == f"Inbox/{created:%Y-%m-%d %H%M} Buy seeds for the garden and call mum.md"
    assert created.utcoffset() == timedelta(hours=3)  # the vault's time zone
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC)
    assert fields == {
        "created": created,
        "source": "web",
        "type": "text",
        "tags": ["web", "seeds"],
        "language": "en",
        "status": "unprocessed",
    }
    assert text == "Buy #seeds for the garden\nand call mum\n"


def test_a_url_encoded_form_works_too(url: str, vault: Path) -> None:
    response = httpx.post(f"{url}/v1/notes", data={"text": "Plain form", "title": "From a form"}, timeout=30)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "From a form"
    assert (vault / response.json()["path"]).read_text().endswith("\n\nPlain form\n")


def test_a_recording_is_attached_byte_for_byte(url: str, vault: Path, clip: Callable[[str], Path]) -> None:
    audio = clip(CLIP).read_bytes()
    transcript = "Edited: he hoped there would be stew for dinner."
    response = post(
        url, text=transcript, title="Stew", file=("recording.FLAC", audio, "audio/flac"), language="en"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    name = Path(body["path"]).stem
    assert body["path"] == f"Inbox/{name}.md" and name.endswith(" Stew")
    assert body["audio_path"] == f"Attachments/{name}.flac"
    assert (vault / body["audio_path"]).read_bytes() == audio
    fields, text = parse_note((vault / body["path"]).read_text())
    assert fields["type"] == "transcript" and fields["audio"] == f"[[Attachments/{name}.flac]]"
    assert fields["status"] == "unprocessed"
    assert text == f"![[Attachments/{name}.flac]]\n\n{transcript}\n"
    assert notes(vault) == sorted([body["path"], body["audio_path"]])


def test_a_browser_recording_without_a_name_is_webm(url: str, vault: Path) -> None:
    webm = encode(tone(1.0), 16_000, "webm")
    response = post(url, text="Dictated", file=("blob", webm, "audio/webm;codecs=opus"))
    assert response.status_code == 201, response.text
    audio_path = response.json()["audio_path"]
    assert audio_path.endswith(" Dictated.webm") and (vault / audio_path).read_bytes() == webm
    page = post(url, text="Not a page", file=("x.html", b"<script>", "text/html")).json()
    assert page["audio_path"].endswith(" Not a page.webm")


@pytest.mark.parametrize(
    "title", ["../../x", "/etc/passwd", "CON", "a\x00b", "t" * 500, "🎙️ Идея", "a/b\\c", "..", "x#y|z"]
)
def test_hostile_titles_stay_inside_the_inbox(url: str, vault: Path, title: str) -> None:
    response = post(url, text="Body", title=title, file=("../../evil.ogg", b"OggS...", "audio/ogg"))
    assert response.status_code == 201, response.text
    body = response.json()
    folder, _, name = body["path"].partition("/")
    assert folder == "Inbox" and name and "/" not in name and len(name.encode()) <= 200
    assert (vault / body["path"]).resolve().parent == (vault / "Inbox").resolve()
    assert (vault / body["audio_path"]).resolve().parent == (vault / "Attachments").resolve()
    assert sorted(p.name for p in vault.iterdir()) == [".obsidian", "Attachments", "Inbox"]


def test_two_notes_with_one_title_are_two_files(url: str, vault: Path) -> None:
    first = post(url, text="one", title="Same").json()
    second = post(url, text="two", title="Same").json()
    assert first["path"] != second["path"] and second["path"].endswith(" Same 2.md")
    assert (vault / first["path"]).read_text().endswith("one\n")
    assert (vault / second["path"]).read_text().endswith("two\n")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "empty_note"),
        ({"text": ""}, "empty_note"),
        ({"text": " \r\n\t "}, "empty_note"),
        ({"text": "x" * 100_001}, "note_too_long"),
        ({"text": "x", "file": ("rec.webm", b"", "audio/webm")}, "empty_audio"),
        ({"text": "x", "language": "en: [evil]"}, "unsupported_language"),
    ],
)
def test_refusals_are_400_with_a_code(url: str, vault: Path, fields: dict[str, Any], code: str) -> None:
    response = post(url, **fields) if fields else httpx.post(f"{url}/v1/notes", timeout=30)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["type"] == "invalid_request_error" and error["message"]
    assert notes(vault) == []


def test_the_longest_note_is_taken(url: str, vault: Path) -> None:
    response = post(url, text="я" * 100_000)
    assert response.status_code == 201, response.text
    assert (vault / response.json()["path"]).read_text().endswith("я" * 100_000 + "\n")


def test_an_unmounted_vault_is_a_clear_error(make_server: ServerFactory, tmp_path: Path) -> None:
    missing = tmp_path / "unmounted"
    with make_server(vault=VaultSettings(path=missing)) as base:
        response = post(base, text="x")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "vault_unwritable" and "does not exist" in error["message"]
    assert not missing.exists()


def test_with_api_keys_the_route_needs_one(make_server: ServerFactory, vault: Path) -> None:
    with make_server(vault=VaultSettings(path=vault), api_keys=[SecretStr(KEY)]) as base:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            refused = post(base, headers=headers, text="secret")
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"
        assert notes(vault) == []
        allowed = post(base, headers={"Authorization": f"Bearer {KEY}"}, text="secret")
    assert allowed.status_code == 201, allowed.text
    assert notes(vault) == [allowed.json()["path"]]


def test_the_daily_note_gets_a_link(serve: ServerFactory, vault: Path) -> None:
    (vault / ".obsidian" / "daily-notes.json").write_text('{"folder": "Daily"}')
    (vault / "Daily").mkdir()
    # Today in the vault's time zone; the request may cross midnight, so both days have a note.
    moscow = timedelta(hours=3)
    for day in {
        (datetime.now(UTC) + moscow).date(),
        (datetime.now(UTC) + moscow + timedelta(minutes=1)).date(),
    }:
        (vault / "Daily" / f"{day:%Y-%m-%d}.md").write_text("# Today\n\n## Notes\n\n## Later\n")
    with serve(daily_note_heading="Notes") as base:
        path = post(base, text="Call mum").json()["path"]
    link = Path(path).with_suffix("").as_posix()
    created = parse_note((vault / path).read_text())[0]["created"]
    daily = (vault / "Daily" / f"{created:%Y-%m-%d}.md").read_text()
    assert f"## Notes\n- {created:%H:%M} [[{link}|{Path(link).name}]]\n" in daily
    assert daily.index("Call mum") < daily.index("## Later")
