"""Fetching a file a user sent, within the size the server accepts."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest


class FileTooBigError(Exception):
    """The file is over the limit; ``size`` is its size in bytes when known."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"file of {size} bytes is too big")
        self.size = size


async def download(bot: Bot, file_id: str, size: int | None, limit_bytes: int) -> bytes:
    """The file's bytes. The size Telegram reports is checked first (nothing is fetched for a file
    over the limit) and again after the download, since a sender's client may report it wrongly."""
    if size is not None and size > limit_bytes:
        raise FileTooBigError(size)
    try:
        file = await bot.get_file(file_id)
    except BadRequest as err:  # the Bot API serves files of up to 20 MB
        if "too big" not in err.message.lower():
            raise
        raise FileTooBigError(size) from err
    data = bytes(await file.download_as_bytearray())
    if len(data) > limit_bytes:
        raise FileTooBigError(len(data))
    return data
