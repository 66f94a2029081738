"""Building incoming media messages: voice notes, music, documents, video notes and videos.

Each registers its file (so ``getFile`` and the download serve it) and queues a ``message`` update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fakes.telegram.updates import UpdatesMixin


class MediaUpdatesMixin(UpdatesMixin):
    """The ``add_*`` builders of media updates."""

    def add_voice(
        self,
        path: Path,
        *,
        user_id: int,
        chat_id: int | None = None,
        caption: str | None = None,
        duration: int | None = None,
        mime_type: str = "audio/ogg",
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A voice note; its file gets a new file_id and the file_path ``voice/file_N.oga``."""
        stored = self._register_file(path, folder="voice", suffix=".oga", size=file_size)
        voice = {
            **self._file_fields(stored),
            "duration": 1 if duration is None else duration,
            "mime_type": mime_type,
        }
        return self._add_media(
            "voice",
            voice,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_audio(
        self,
        path: Path,
        *,
        user_id: int,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        duration: int | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        performer: str | None = None,
        title: str | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A music file (``message.audio``), stored under ``music/file_N.<ext>``."""
        stored = self._register_file(path, folder="music", suffix=Path(file_name).suffix, size=file_size)
        audio: dict[str, Any] = {
            **self._file_fields(stored),
            "duration": 1 if duration is None else duration,
            "file_name": file_name,
            "mime_type": mime_type,
        }
        if performer is not None:
            audio["performer"] = performer
        if title is not None:
            audio["title"] = title
        return self._add_media(
            "audio",
            audio,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_document(
        self,
        path: Path,
        *,
        user_id: int,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A general file (``message.document``), stored under ``documents/file_N.<ext>``."""
        stored = self._register_file(path, folder="documents", suffix=Path(file_name).suffix, size=file_size)
        document = {**self._file_fields(stored), "file_name": file_name, "mime_type": mime_type}
        return self._add_media(
            "document",
            document,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_video_note(
        self,
        path: Path,
        *,
        user_id: int,
        duration: int | None = None,
        length: int = 240,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A round video message (``message.video_note``), stored under ``video_notes/file_N.mp4``."""
        stored = self._register_file(path, folder="video_notes", suffix=".mp4", size=file_size)
        note = {
            **self._file_fields(stored),
            "length": length,
            "duration": 1 if duration is None else duration,
        }
        return self._add_media(
            "video_note",
            note,
            caption=None,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_video(
        self,
        path: Path,
        *,
        user_id: int,
        caption: str | None = None,
        duration: int | None = None,
        width: int = 640,
        height: int = 360,
        file_name: str | None = None,
        mime_type: str = "video/mp4",
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A video (``message.video``), stored under ``videos/file_N.mp4``."""
        stored = self._register_file(path, folder="videos", suffix=".mp4", size=file_size)
        video: dict[str, Any] = {
            **self._file_fields(stored),
            "width": width,
            "height": height,
            "duration": 1 if duration is None else duration,
            "mime_type": mime_type,
        }
        if file_name is not None:
            video["file_name"] = file_name
        return self._add_media(
            "video",
            video,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )
