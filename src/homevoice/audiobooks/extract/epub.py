"""EPUB 2 and 3 books: chapters from the table of contents, text in reading (spine) order."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from homevoice.audiobooks.document import Document, DocumentError
from homevoice.audiobooks.extract.common import display_name, drop_title_line, finish, join_paragraphs
from homevoice.audiobooks.extract.epub_html import NavEntry, Page, parse_page, segments
from homevoice.audiobooks.extract.epub_package import (
    Archive,
    drm_protected,
    invalid,
    read_cover,
    read_package,
    toc_entries,
)


def chapter_entries(entries: Sequence[NavEntry]) -> list[NavEntry]:
    """The top level of the TOC; a lone top entry that only wraps the rest is descended into."""
    depth = min((e.depth for e in entries), default=0)
    while sum(1 for e in entries if e.depth == depth) == 1 and any(e.depth > depth for e in entries):
        depth = min(e.depth for e in entries if e.depth > depth)
    return [e for e in entries if e.depth == depth]


def _toc_chapters(spine: list[str], pages: dict[str, Page], entries: list[NavEntry]) -> list[tuple[str, str]]:
    """Each entry's text runs from its target to the next entry's target in spine order."""
    order = {name: index for index, name in enumerate(spine)}
    targets: list[tuple[str, str, str]] = []  # (title, document, fragment or "")
    for entry in entries:
        name, _, fragment = entry.href.partition("#")
        if name in order:
            targets.append((entry.title, name, fragment))
    cuts: dict[str, set[str]] = {}
    for _, name, fragment in targets:
        if fragment:
            cuts.setdefault(name, set()).add(fragment)
    # Every document cut into segments at the targeted anchors; a segment is (spine index, position).
    pieces: dict[tuple[int, int], list[str]] = {}
    anchors: dict[tuple[str, str], int] = {}
    for index, name in enumerate(spine):
        for position, (anchor, paragraphs) in enumerate(segments(pages[name].tokens, cuts.get(name, set()))):
            pieces[(index, position)] = paragraphs
            if anchor is not None:
                anchors.setdefault((name, anchor), position)
    starts = sorted(
        ((order[name], anchors.get((name, fragment), 0)), number, title)
        for number, (title, name, fragment) in enumerate(targets)
    )
    chapters: list[tuple[str, str]] = []
    keys = sorted(pieces)
    for (start, _, title), following in zip(starts, [*starts[1:], None], strict=True):
        end = following[0] if following is not None else (len(spine), 0)
        paragraphs = [p for key in keys if start <= key < end for p in pieces[key]]
        chapters.append((title, drop_title_line(title, join_paragraphs(paragraphs))))
    return chapters


def _spine_chapters(spine: list[str], pages: dict[str, Page]) -> list[tuple[str, str]]:
    """Without a TOC: one chapter per document, named by its first heading."""
    chapters: list[tuple[str, str]] = []
    for name in spine:
        page = pages[name]
        text = join_paragraphs(segments(page.tokens, set())[0][1])
        title = page.first_heading or f"Chapter {len(chapters) + 1}"
        if text:
            chapters.append((title, drop_title_line(title, text)))
    return chapters


def _read(archive: Archive, filename: str) -> Document:
    if drm_protected(archive):
        raise DocumentError(
            "The EPUB is protected by DRM; only DRM-free books can be read aloud.", code="encrypted_document"
        )
    package = read_package(archive)
    toc_name, entries = toc_entries(archive, package)
    # The TOC page itself is a list of titles, not part of the story.
    spine = [name for name in dict.fromkeys(package.spine) if name != toc_name and archive.find(name)]
    if not spine:
        raise invalid("its reading order lists no text documents")
    pages = {name: parse_page(archive.read(name)) for name in spine}
    top = chapter_entries(entries)
    chapters = _toc_chapters(spine, pages, top) if top else []
    if not any(text for _, text in chapters):
        chapters = _spine_chapters(spine, pages)
    title = package.title or display_name(filename)
    cover = read_cover(archive, package)
    return finish(title, ", ".join(package.authors), chapters, cover=cover, language=package.language)


def load_epub(data: bytes, filename: str) -> Document:
    """An EPUB read from memory; nothing is unpacked to disk."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _read(Archive(archive), filename)
    except DocumentError:
        raise
    except ET.ParseError as err:
        raise invalid(f"broken XML: {err}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        raise invalid(f"broken zip: {err}") from None
    except (NotImplementedError, RuntimeError, ValueError) as err:
        # Unsupported compression methods and password-protected members.
        raise invalid(str(err)) from None
