"""Settings of read-aloud: audiobook rendering and the private podcast feed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

AudiobookFormat = Literal["m4b", "mp3", "opus"]


class AudiobookSettings(BaseModel):
    """Documents read aloud as audiobooks, and the podcast feed that lists them."""

    model_config = ConfigDict(extra="forbid")

    workers: int = Field(
        0, ge=0, le=256, description="Processes that synthesise sentences in parallel; 0 uses every core."
    )
    format: AudiobookFormat = Field(
        "m4b", description="`m4b`: one AAC file with chapter marks; `mp3` or `opus`: one file per chapter."
    )
    bitrate_kbps: int = Field(64, ge=16, le=320, description="Bit rate of the encoded audio.")
    sentence_pause_s: float = Field(0.25, ge=0, le=5, description="Silence between sentences.")
    paragraph_pause_s: float = Field(0.7, ge=0, le=10, description="Silence between paragraphs.")
    chapter_pause_s: float = Field(1.5, ge=0, le=10, description="Silence after each chapter's title.")
    loudness_lufs: float = Field(
        -18.0, ge=-40, le=-5, description="Integrated loudness each chapter is normalised to (EBU R128 LUFS)."
    )
    cache_max_mb: float = Field(
        5000.0,
        gt=0,
        description="Largest size of the sentence audio cache; after each render the least recently used sentences beyond it are deleted (never those of the book just made).",
    )
    max_document_mb: float = Field(100.0, gt=0, description="Largest document accepted for reading aloud.")
    podcast_secret: SecretStr | None = Field(
        None,
        description="The secret part of the podcast feed's address (`/podcast/SECRET/feed.xml`). Unset: one is generated and kept in the data dir. Podcast apps cannot send API keys, so whoever knows it can listen.",
    )
    podcast_title: str = Field("homevoice", description="The podcast's title in podcast apps.")
    public_url: str | None = Field(
        None,
        description="The server's address as phones reach it (for example `https://home.example.net`), used in the feed's links; unset uses the address of the request.",
    )
