"""What an audiobook file says about itself: title, author, language and cover, per container.

MP4 (iTunes atoms), MP3 (ID3v2) and Ogg (Vorbis comments) name the same facts differently; FFmpeg
maps its generic keys onto each, so this module only decides the values. The cover is read with
PyAV, which both checks that it is a picture and gives the codec parameters the muxers need.
"""

from __future__ import annotations

import base64
import io
import logging
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import av

from homevoice.audiobooks.document import Cover

log = logging.getLogger(__name__)

GENRE = "Audiobook"
_ITUNES_AUDIOBOOK = "2"  # the ``stik`` media kind that files a track under Audiobooks
_PICTURE_CODECS = {"mjpeg": "image/jpeg", "png": "image/png"}
_FRONT_COVER = 3  # picture type in ID3 APIC and FLAC/Vorbis picture blocks

# ISO 639-1 to the three letters MP4 (ISO 639-2/T), ID3 and Vorbis comments store.
_LANGUAGES = {
    "ar": "ara", "cs": "ces", "da": "dan", "de": "deu", "el": "ell", "en": "eng", "es": "spa",
    "fi": "fin", "fr": "fra", "he": "heb", "hi": "hin", "hu": "hun", "it": "ita", "ja": "jpn",
    "kk": "kaz", "ko": "kor", "nl": "nld", "no": "nor", "pl": "pol", "pt": "por", "ro": "ron",
    "ru": "rus", "sk": "slk", "sr": "srp", "sv": "swe", "tr": "tur", "uk": "ukr", "zh": "zho",
}  # fmt: skip


@dataclass(frozen=True)
class BookMeta:
    title: str
    author: str
    language: str = ""
    """ISO 639-1 (``ru``) or ISO 639-2 (``rus``); empty when unknown."""
    comment: str = ""
    cover: Cover | None = None


@dataclass(frozen=True)
class Picture:
    """A cover PyAV could read: a template stream for muxers and the one packet holding the image."""

    stream: av.VideoStream
    packet: av.Packet[av.VideoStream]
    media_type: str
    data: bytes


def language_code(language: str) -> str | None:
    """The three-letter code for ``language`` (``ru``, ``ru-RU``, ``rus``), None when unknown."""
    code = language.strip().replace("_", "-").split("-")[0].lower()
    if len(code) == 3 and code.isascii() and code.isalpha():
        return code
    return _LANGUAGES.get(code)


def book_tags(meta: BookMeta) -> dict[str, str]:
    """Container tags of a whole book in one M4B file."""
    tags = {
        "title": meta.title,
        "album": meta.title,
        "artist": meta.author,
        "album_artist": meta.author,
        "genre": GENRE,
        "media_type": _ITUNES_AUDIOBOOK,
        "comment": meta.comment,
    }
    return {key: value for key, value in tags.items() if value}


def file_tags(meta: BookMeta, track: int | None, title: str | None) -> dict[str, str]:
    """Tags of one chapter's file: the chapter is the title, the book the album.

    FFmpeg writes ``comment`` as ID3 COMM and as the Vorbis ``DESCRIPTION`` players show.
    """
    tags = {
        "title": title or meta.title,
        "album": meta.title,
        "artist": meta.author,
        "album_artist": meta.author,
        "genre": GENRE,
        "track": str(track) if track is not None else "",
        "language": language_code(meta.language) or "",
        "comment": meta.comment,
    }
    return {key: value for key, value in tags.items() if value}


@contextmanager
def open_picture(cover: Cover | None) -> Iterator[Picture | None]:
    """The cover as a ``Picture`` while the block runs; None when absent or not a JPEG or PNG."""
    if cover is None or not cover.data:
        yield None
        return
    try:
        source = av.open(io.BytesIO(cover.data), mode="r")
    except av.FFmpegError as err:
        log.warning(
            "The cover (%s) cannot be read as a picture (%s); writing without it.", cover.media_type, err
        )
        yield None
        return
    with source:
        picture = _first_picture(source, cover)
        if picture is None:
            log.warning("The cover (%s) is not a JPEG or PNG image; writing without it.", cover.media_type)
        yield picture


def vorbis_picture(picture: Picture) -> str:
    """The ``METADATA_BLOCK_PICTURE`` comment value: a FLAC picture block, base64-encoded."""
    context = picture.stream.codec_context
    mime = picture.media_type.encode("ascii")
    block = b"".join(
        [
            struct.pack(">II", _FRONT_COVER, len(mime)),
            mime,
            struct.pack(">IIIIII", 0, context.width or 0, context.height or 0, 24, 0, len(picture.data)),
            picture.data,
        ]
    )
    return base64.b64encode(block).decode("ascii")


def _first_picture(source: av.container.InputContainer, cover: Cover) -> Picture | None:
    if not source.streams.video:
        return None
    stream = source.streams.video[0]
    # No codec context means FFmpeg recognised the format but cannot decode it (an SVG, say).
    media_type = _PICTURE_CODECS.get(getattr(stream.codec_context, "name", ""))
    if media_type is None:
        return None
    try:
        packet = next((p for p in source.demux(stream) if p.size), None)
    except av.FFmpegError:
        return None
    if packet is None:
        return None
    return Picture(stream, packet, media_type, cover.data)
