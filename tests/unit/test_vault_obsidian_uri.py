"""``obsidian://open`` links: every character that could break the query is encoded, and they
decode back to the vault name and the file Obsidian should open."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from homevoice.vault import obsidian_uri


def _opened(uri: str) -> tuple[str, str]:
    """What Obsidian reads back: the vault and the file."""
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("obsidian", "open")
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"vault", "file"} and all(len(v) == 1 for v in query.values())
    return query["vault"][0], query["file"][0]


def test_spaces_and_folders_are_encoded_and_md_is_dropped() -> None:
    uri = obsidian_uri("My Vault", "Inbox/2026-12-04 1530 Call mum.md")
    assert uri == "obsidian://open?vault=My%20Vault&file=Inbox%2F2026-12-04%201530%20Call%20mum"
    assert _opened(uri) == ("My Vault", "Inbox/2026-12-04 1530 Call mum")


def test_other_files_keep_their_extension() -> None:
    uri = obsidian_uri("vault", "Manuals/Washer manual.pdf")
    assert uri == "obsidian://open?vault=vault&file=Manuals%2FWasher%20manual.pdf"
    assert _opened(obsidian_uri("vault", "Notes/README.MD")) == ("vault", "Notes/README")
    assert _opened(obsidian_uri("vault", "notes.md.pdf")) == ("vault", "notes.md.pdf")


def test_cyrillic_is_utf8_percent_encoded() -> None:
    uri = obsidian_uri("Заметки", "Рецепты/Борщ.md")
    assert uri.isascii()
    assert uri == (
        "obsidian://open?vault=%D0%97%D0%B0%D0%BC%D0%B5%D1%82%D0%BA%D0%B8"
        "&file=%D0%A0%D0%B5%D1%86%D0%B5%D0%BF%D1%82%D1%8B%2F%D0%91%D0%BE%D1%80%D1%89"
    )
    assert _opened(uri) == ("Заметки", "Рецепты/Борщ")


@pytest.mark.parametrize(
    ("vault", "path", "encoded"),
    [
        ("a#b", "x#y.md", "vault=a%23b&file=x%23y"),
        ("a&b", "Q&A/x&file=evil.md", "vault=a%26b&file=Q%26A%2Fx%26file%3Devil"),
        ("a?b", "Why?.md", "vault=a%3Fb&file=Why%3F"),
        ("100%", "50% off/%20.md", "vault=100%25&file=50%25%20off%2F%2520"),
        ("v", "deep/er/still deeper/n+1.md", "vault=v&file=deep%2Fer%2Fstill%20deeper%2Fn%2B1"),
    ],
)
def test_query_characters_cannot_break_out(vault: str, path: str, encoded: str) -> None:
    uri = obsidian_uri(vault, path)
    assert uri == f"obsidian://open?{encoded}"
    assert _opened(uri) == (vault, path.removesuffix(".md"))
