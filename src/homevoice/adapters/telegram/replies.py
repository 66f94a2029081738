"""Texts the bot sends, in the sender's language (Russian or English)."""

from __future__ import annotations

MAX_MESSAGE_CHARS = 4096
RECEIVED = "✍"
SAVED = "👌"
FAILED = "🤷"


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Pieces within Telegram's limit, cut at paragraph, line or word boundaries when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


_TEXTS = {
    "en": {
        "refusal": "This is a private bot. Your Telegram user id is {user_id}; its owner can add it to the allow-list.",
        "start": "Hello! Send me voice messages, audio, video notes or text: each becomes a note in your vault.\nYour Telegram user id is {user_id}.",
        "help": "Voice, audio, video notes and text become notes in your vault, with the transcript.\n"
        "/lang ru|en|auto: the language of your voice messages\n/say TEXT: I answer with a voice message\n"
        "/do COMMAND (or a voice message starting with the wake word): notes, reminders, the house\n/help: this text",
        "lang_set": "Voice messages will be transcribed as: {language}.",
        "lang_usage": "Use /lang ru, /lang en or /lang auto.",
        "say_usage": "Use /say followed by the text to speak.",
        "unsupported": "I keep voice messages, audio, video notes, videos and text; this kind of message is not saved.",
        "too_big": "This file is {size_mb:.0f} MB; the largest I can fetch is {limit_mb:.0f} MB.",
        "not_transcribed": "Saved to your vault, but not transcribed: {reason}",
        "not_saved": "Sorry, I could not save this message: {reason}. I kept it and will try again.",
        "say_failed": "Sorry, I could not speak that: {reason}",
        "unknown_command": "Unknown command. /help lists what I can do.",
        "do_usage": "Use /do followed by a command, for example /do remind me in 10 minutes to call mum.",
        "no_commands": "Commands are not available on this server.",
        "reminder": "⏰ Reminder: {text}",
    },
    "ru": {
        "refusal": "Это личный бот. Ваш id в Telegram: {user_id}; владелец может добавить его в список разрешённых.",
        "start": "Здравствуйте! Присылайте голосовые, аудио, видеосообщения или текст: каждое станет заметкой в вашем хранилище.\nВаш id в Telegram: {user_id}.",
        "help": "Голосовые, аудио, видеосообщения и текст становятся заметками в хранилище, с расшифровкой.\n"
        "/lang ru|en|auto: язык голосовых сообщений\n/say ТЕКСТ: отвечу голосовым сообщением\n"
        "/do КОМАНДА (или голосовое, начатое со слова-обращения): заметки, напоминания, дом\n/help: эта справка",
        "lang_set": "Голосовые сообщения будут распознаваться как: {language}.",
        "lang_usage": "Напишите /lang ru, /lang en или /lang auto.",
        "say_usage": "Напишите /say и текст, который нужно произнести.",
        "unsupported": "Я сохраняю голосовые, аудио, видеосообщения, видео и текст; такое сообщение не сохранено.",
        "too_big": "Файл весит {size_mb:.0f} МБ; я могу получить не больше {limit_mb:.0f} МБ.",
        "not_transcribed": "Сохранено в хранилище, но не расшифровано: {reason}",
        "not_saved": "Извините, не удалось сохранить сообщение: {reason}. Оно не потеряно, я попробую ещё раз.",
        "say_failed": "Извините, не получилось озвучить: {reason}",
        "unknown_command": "Неизвестная команда. /help покажет, что я умею.",
        "do_usage": "Напишите /do и команду, например /do напомни через 10 минут позвонить маме.",
        "no_commands": "Команды на этом сервере недоступны.",
        "reminder": "⏰ Напоминание: {text}",
    },
}


def text(name: str, language_code: str | None, **values: object) -> str:
    language = "ru" if (language_code or "").lower().startswith(("ru", "uk", "be", "kk")) else "en"
    return _TEXTS[language][name].format(**values)
