"""Names, limits and the closed lists of the fake Bot API: reactions, chat actions, error texts."""

BOT_USERNAME = "homevoice_test_bot"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_UPDATES_LIMIT = 100

#: The emoji a bot may react with (the Bot API's ``ReactionTypeEmoji`` list), plus PTB's spellings of the
#: ZWJ sequences with U+FE0F (``telegram.constants.ReactionEmoji``). A lone "❤️" (with U+FE0F) is refused,
#: as the real API does.
ALLOWED_REACTIONS: frozenset[str] = frozenset(
    (  # noqa: SIM905 - a spaced list reads better than 73 quoted items
        "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 \u2764\u200d\U0001f525 🌚 🌭 💯 🤣 ⚡ 🍌 "
        "🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 \U0001f468\u200d\U0001f4bb 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 "
        "🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 \U0001f937\u200d\u2642 🤷 \U0001f937\u200d\u2640 😡"
    ).split()
) | {"\u2764\ufe0f\u200d\U0001f525", "\U0001f937\u200d\u2642\ufe0f", "\U0001f937\u200d\u2640\ufe0f"}

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
