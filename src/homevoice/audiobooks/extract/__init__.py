"""Input documents as :class:`~homevoice.audiobooks.document.Document`: PDF, EPUB, Markdown, text, a vault.

The file's content decides its type where it can (a PDF or EPUB renamed ``.txt`` is still read as
what it is); the name only decides between the text formats, which have no signature.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from homevoice.audiobooks.document import Document, DocumentError
from homevoice.audiobooks.extract.epub import load_epub
from homevoice.audiobooks.extract.markdown import load_markdown, load_vault
from homevoice.audiobooks.extract.pdf import load_pdf
from homevoice.audiobooks.extract.plain import load_plain

__all__ = ["SUPPORTED_TYPES", "load_document", "load_document_bytes"]

SUPPORTED_TYPES: Final = (
    "PDF with a text layer (.pdf), EPUB (.epub), Markdown (.md, .markdown), plain text (.txt, .text), "
    "or a folder of Markdown notes (an Obsidian vault)"
)
_PDF_MAGIC: Final = b"%PDF-"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_EPUB_MIMETYPE: Final = b"application/epub+zip"
_TEXT_LOADERS: Final[dict[str, Callable[[bytes, str], Document]]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_plain,
    ".text": load_plain,
}
_SNIFF_BYTES: Final = 8192


def _suffix(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.lstrip(".") else ""


def _is_epub(data: bytes) -> bool:
    """A zip whose ``mimetype`` says EPUB, or one with the EPUB container file when ``mimetype`` is missing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return archive.read("mimetype").strip() == _EPUB_MIMETYPE
            return "META-INF/container.xml" in names
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return False


def _looks_like_text(data: bytes) -> bool:
    """No NUL bytes and hardly any control characters: text in any of the encodings read here."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\n\r\f\v\x1b")
    return controls <= len(head) // 100


def _shown(filename: str) -> str:
    """The name as messages show it: no folders (an upload's name is not a path), not too long."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return (base[:80] + "…" if len(base) > 80 else base) or "the file"


def _unsupported(filename: str, detail: str) -> DocumentError:
    return DocumentError(
        f"Cannot read {_shown(filename)} aloud: {detail}. Supported: {SUPPORTED_TYPES}.",
        code="unsupported_document",
    )


def load_document_bytes(data: bytes, filename: str) -> Document:
    """A document from memory; ``filename`` only hints the type and names an untitled book."""
    if not data.strip():
        raise DocumentError(
            f"{_shown(filename)} is empty; there is nothing to read aloud.", code="empty_document"
        )
    suffix = _suffix(filename)
    if _PDF_MAGIC in data[:1024]:
        return load_pdf(data, filename)
    if data.startswith(_ZIP_MAGIC):
        if suffix == ".epub" or _is_epub(data):
            return load_epub(data, filename)
        raise _unsupported(filename, "it is a zip archive but not an EPUB book")
    if suffix == ".pdf":
        raise DocumentError(
            f"{_shown(filename)} is named .pdf but is not a PDF file; export or download it again.",
            code="invalid_document",
        )
    if suffix == ".epub":
        raise DocumentError(
            f"{_shown(filename)} is named .epub but is not an EPUB (zip) file; export or download it again.",
            code="invalid_document",
        )
    if not _looks_like_text(data):
        raise _unsupported(filename, "it is neither text nor a PDF or EPUB")
    loader = _TEXT_LOADERS.get(suffix)
    if loader is not None:
        return loader(data, filename)
    if suffix:
        raise _unsupported(filename, f"files ending in {suffix} are not a supported type")
    return load_plain(data, filename)


def load_document(path: Path) -> Document:
    """A document file, or a folder read as a vault of Markdown notes."""
    if path.is_dir():
        return load_vault(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"There is no file at {path}; check the path.", code="not_found") from None
    except OSError as err:
        raise DocumentError(
            f"Cannot read {path}: {err.strerror or err}. Check that it is a readable file.",
            code="invalid_document",
        ) from None
    return load_document_bytes(data, path.name)
