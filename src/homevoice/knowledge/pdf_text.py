"""PDFs as passages through their text layer, each passage citing the page it starts on.

A damaged, password-protected or text-less PDF is a ``SourceError`` with a reason for the refresh
report, never an exception that stops the refresh.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Final

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from homevoice.errors import HomevoiceError
from homevoice.knowledge.chunking import SourceText, pack
from homevoice.knowledge.model import Chunk

logger = logging.getLogger(__name__)

# "exam-\nple" is one word broken over lines; "well-\nknown" loses its hyphen too, which search tolerates.
_BROKEN_WORD: Final = re.compile(r"(?<=[^\W\d_])-\n(?=[^\W\d_])")
_PARAGRAPH_BREAK: Final = re.compile(r"\n\s*\n")


class SourceError(HomevoiceError):
    """A source cannot be indexed; the message is the reason shown in the refresh report."""

    code = "source_unreadable"


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise SourceError("password-protected; save a copy without a password to index it")
        _ = len(reader.pages)
    except SourceError:
        raise
    except (DependencyError, FileNotDecryptedError):
        raise SourceError("encrypted in a way that needs the 'cryptography' package to read") from None
    except Exception as error:  # pypdf reports damage with many exception types
        raise SourceError(f"damaged PDF ({type(error).__name__})") from None
    return reader


def _page_paragraphs(text: str) -> list[str]:
    text = _BROKEN_WORD.sub("", text.replace("\r", ""))
    return [" ".join(block.split()) for block in _PARAGRAPH_BREAK.split(text) if block.strip()]


def chunk_pdf(path: str, data: bytes, chunk_chars: int) -> SourceText:
    """One or more passages per page (a long page is cut at sentence boundaries)."""
    reader = _open(data)
    stem = path.rsplit("/", 1)[-1]
    title = stem[:-4] if stem.lower().endswith(".pdf") else stem
    chunks: list[Chunk] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as error:  # one broken page must not lose the rest
            logger.debug("Page %d of %s has no readable text: %s", number, path, error)
            continue
        for passage in pack(_page_paragraphs(text), chunk_chars):
            chunks.append(Chunk(path, len(chunks), title, None, number, passage))
    if reader.pages and not chunks:
        raise SourceError("no text layer (scanned pages); run OCR on it to index it")
    return SourceText(title, [], chunks)
