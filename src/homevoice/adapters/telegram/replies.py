"""Texts the bot sends, in the sender's language (Russian or English)."""

from __future__ import annotations

MAX_MESSAGE_CHARS = 4096
RECEIVED = "✍"
SAVED = "👌"
FAILED = "🤷"
QUESTION = "🤔"
"""On a voice message taken as a question: answered, not saved as a note."""


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
        "/ask QUESTION (or a voice message starting with “ask”, or captioned /ask): an answer from your "
        "notes, with its sources; not saved as a note\n/find WORDS: the notes that match, without the LLM\n"
        "/voice on|off: answers also as a voice message (the text with its sources still comes)\n"
        "A voice message captioned /voice NAME: a voice made from it (read 5-15 s aloud); /voices lists them\n"
        "/lang ru|en|auto: the language of your voice messages\n/say TEXT: I answer with a voice message\n"
        "/do COMMAND (or a voice message starting with the wake word): notes, reminders, the house\n"
        "/read: send a PDF, EPUB, Markdown or text file with the caption /read (or reply /read to one), "
        "or write /read and a note's title: I read it aloud and send the chapters; finished books are also "
        "in the podcast feed. Options: a chapter range (/read 1-3), voice=NAME, speed=1.2\n/help: this text",
        "lang_set": "Voice messages will be transcribed as: {language}.",
        "lang_usage": "Use /lang ru, /lang en or /lang auto.",
        "say_usage": "Use /say followed by the text to speak.",
        "unsupported": "I keep voice messages, audio, video notes, videos and text; this kind of message is not saved.",
        "unsupported_document": "This file is not saved as a note. To hear it read aloud, send it again with "
        "the caption /read, or reply /read to it.",
        "too_big": "This file is {size_mb:.0f} MB; the largest I can fetch is {limit_mb:.0f} MB.",
        "not_transcribed": "Saved to your vault, but not transcribed: {reason}",
        "not_saved": "Sorry, I could not save this message: {reason}. I kept it and will try again.",
        "say_failed": "Sorry, I could not speak that: {reason}",
        "unknown_command": "Unknown command. /help lists what I can do.",
        "do_usage": "Use /do followed by a command, for example /do remind me in 10 minutes to call mum.",
        "no_commands": "Commands are not available on this server.",
        "reminder": "⏰ Reminder: {text}",
        "read_usage": "Send a PDF, EPUB, Markdown or text file with the caption /read, reply /read to one, "
        "or write /read and the title of a note. Before the title: a chapter range (1-3), voice=NAME, speed=1.2.",
        "read_bad_option": "I do not understand “{word}” after /read. "
        "It takes a chapter range (1-3), voice=NAME and speed=1.2, then a note's title when no file is sent.",
        "read_unreadable": "I read PDF, EPUB, Markdown and text files aloud; this file is not one of them.",
        "read_no_note": "There is no note called “{title}” in your vault.",
        "read_near_notes": "There is no note called “{title}”. Did you mean: {names}?",
        "read_queued": "📚 Reading “{title}” aloud. I will send the chapters when they are ready.",
        "read_failed": "Sorry, I cannot read this aloud: {reason}",
        "read_unavailable": "Reading aloud is not available on this server.",
        "read_error": "Sorry, something went wrong while queueing this; the server's log has the details.",
        "read_skipped": "The chapter “{title}” is {size_mb:.0f} MB, over Telegram's {limit_mb:.0f} MB limit "
        "for bots; listen to it in the podcast feed.",
        "read_refused": "Telegram refused the chapter “{title}” as too large; listen to it in the podcast feed.",
        "read_done": "📚 “{title}” is ready: {chapters} chapter(s), {duration}. It is also in your podcast feed.",
        "ask_usage": "Use /ask followed by a question about your notes, for example /ask when did I plant the "
        "tomatoes? A voice message that starts with “ask”, or has the caption /ask, is a question too.",
        "find_usage": "Use /find followed by the words to look for in your notes.",
        "find_header": "🔎 Notes for “{query}”:",
        "find_nothing": "No notes match “{query}”.",
        "find_failed": "Sorry, I could not search your notes: {reason}",
        "no_llm": "Answers from your notes need an LLM, and none is set up on this server "
        "(HOMEVOICE_LLM__BASE_URL). /find still lists the notes that match your words.",
        "ask_failed": "Sorry, I could not answer that: {reason}",
        "ask_error": "Sorry, something went wrong while answering; the server's log has the details.",
        "ask_not_heard": "I could not make out a question in this voice message; please ask again.",
        "knowledge_unavailable": "Searching your notes is not available on this server.",
        "heard": "❓ {question}",
        "empty_answer": "The model gave no answer; the sources below may still help.",
        "sources": "Sources:",
        "voice_on": "Answers to your questions will also come as voice messages.",
        "voice_off": "Answers to your questions will come as text only.",
        "voices_unavailable": "Voices cannot be enrolled on this server.",
        "voice_name_missing": "Send a voice message with the caption /voice NAME to make a voice of it, "
        "for example /voice mom. /voices lists the voices.",
        "voice_enrolled": "Voice {voice} enrolled from {seconds:.0f} s of speech. I heard: “{heard}”. "
        "Use it as voice={voice} with /read, or as the voice {voice} in the API.",
        "voice_not_enrolled": "No voice was made: {reason}",
        "voice_sample_silent": "the recording is silent. Record 5-15 seconds of one person speaking.",
        "voice_sample_too_short": "there is too little speech. Record 5-15 seconds of one person speaking.",
        "voice_sample_noisy": "there is too much noise. Record in a quiet room, close to the phone.",
        "voice_sample_clipped": "the recording is distorted (too loud). Hold the phone a little further away.",
        "voice_sample_several_speakers": "more than one person speaks. Record one voice only.",
        "voice_sample_no_words": "I could not make out any words. Read a few sentences aloud.",
        "voice_invalid_voice_name": "“{voice}” cannot name a voice: use letters, digits, _ and -.",
        "voice_voice_exists": "a voice named “{voice}” exists already; choose another name.",
        "voices_none": "No voices are enrolled. Send a voice message with the caption /voice NAME to make one.",
        "voices_list": "Enrolled voices:\n{voices}",
        "voice_usage": "Use /voice on or /voice off: whether answers to your questions also come as voice "
        "messages. Now: {state}. To make a voice, send a voice message with the caption /voice NAME.",
    },
    "ru": {
        "refusal": "Это личный бот. Ваш id в Telegram: {user_id}; владелец может добавить его в список разрешённых.",
        "start": "Здравствуйте! Присылайте голосовые, аудио, видеосообщения или текст: каждое станет заметкой в вашем хранилище.\nВаш id в Telegram: {user_id}.",
        "help": "Голосовые, аудио, видеосообщения и текст становятся заметками в хранилище, с расшифровкой.\n"
        "/ask ВОПРОС (или голосовое, начатое со слова «вопрос», или с подписью /ask): ответ по вашим "
        "заметкам с источниками; в заметки не сохраняется\n/find СЛОВА: подходящие заметки, без LLM\n"
        "/voice on|off: ответы ещё и голосом (текст с источниками приходит всё равно)\n"
        "Голосовое с подписью /voice ИМЯ: из него сделаю голос (прочитайте вслух 5–15 с); /voices: голоса\n"
        "/lang ru|en|auto: язык голосовых сообщений\n/say ТЕКСТ: отвечу голосовым сообщением\n"
        "/do КОМАНДА (или голосовое, начатое со слова-обращения): заметки, напоминания, дом\n"
        "/read: пришлите PDF, EPUB, Markdown или текстовый файл с подписью /read (или ответьте /read на него) "
        "либо напишите /read и название заметки: я прочитаю вслух и пришлю главы; готовые книги есть и в "
        "подкасте. Параметры: главы (/read 1-3), voice=ГОЛОС, speed=1.2\n/help: эта справка",
        "lang_set": "Голосовые сообщения будут распознаваться как: {language}.",
        "lang_usage": "Напишите /lang ru, /lang en или /lang auto.",
        "say_usage": "Напишите /say и текст, который нужно произнести.",
        "unsupported": "Я сохраняю голосовые, аудио, видеосообщения, видео и текст; такое сообщение не сохранено.",
        "unsupported_document": "Этот файл не сохранён как заметка. Чтобы я прочитал его вслух, пришлите его "
        "снова с подписью /read или ответьте /read на него.",
        "too_big": "Файл весит {size_mb:.0f} МБ; я могу получить не больше {limit_mb:.0f} МБ.",
        "not_transcribed": "Сохранено в хранилище, но не расшифровано: {reason}",
        "not_saved": "Извините, не удалось сохранить сообщение: {reason}. Оно не потеряно, я попробую ещё раз.",
        "say_failed": "Извините, не получилось озвучить: {reason}",
        "unknown_command": "Неизвестная команда. /help покажет, что я умею.",
        "do_usage": "Напишите /do и команду, например /do напомни через 10 минут позвонить маме.",
        "no_commands": "Команды на этом сервере недоступны.",
        "reminder": "⏰ Напоминание: {text}",
        "read_usage": "Пришлите PDF, EPUB, Markdown или текстовый файл с подписью /read, ответьте /read на такой "
        "файл или напишите /read и название заметки. Перед названием: главы (1-3), voice=ГОЛОС, speed=1.2.",
        "read_bad_option": "Не понимаю «{word}» после /read. Можно указать главы (1-3), voice=ГОЛОС и speed=1.2, "
        "а без файла — название заметки.",
        "read_unreadable": "Я читаю вслух файлы PDF, EPUB, Markdown и текст; этот файл не из них.",
        "read_no_note": "В хранилище нет заметки «{title}».",
        "read_near_notes": "Заметки «{title}» нет. Может быть, вы имели в виду: {names}?",
        "read_queued": "📚 Читаю вслух «{title}». Пришлю главы, когда они будут готовы.",
        "read_failed": "Извините, не получается прочитать это вслух: {reason}",
        "read_unavailable": "Чтение вслух на этом сервере недоступно.",
        "read_error": "Извините, не удалось поставить чтение в очередь; подробности в журнале сервера.",
        "read_skipped": "Глава «{title}» весит {size_mb:.0f} МБ, больше предела Telegram для ботов "
        "({limit_mb:.0f} МБ); послушайте её в подкасте.",
        "read_refused": "Telegram не принял главу «{title}»: слишком большой файл; послушайте её в подкасте.",
        "read_done": "📚 Книга «{title}» готова: глав — {chapters}, {duration}. Она есть и в вашем подкасте.",
        "ask_usage": "Напишите /ask и вопрос о ваших заметках, например /ask когда я посадил томаты? "
        "Голосовое, начатое со слова «вопрос» или с подписью /ask, — тоже вопрос.",
        "find_usage": "Напишите /find и слова, которые нужно найти в заметках.",
        "find_header": "🔎 Заметки по запросу «{query}»:",
        "find_nothing": "Заметок по запросу «{query}» не нашлось.",
        "find_failed": "Извините, не удалось поискать в заметках: {reason}",
        "no_llm": "Для ответов по заметкам нужна LLM, а на этом сервере она не настроена "
        "(HOMEVOICE_LLM__BASE_URL). /find по-прежнему находит заметки по словам.",
        "ask_failed": "Извините, не получилось ответить: {reason}",
        "ask_error": "Извините, при ответе что-то пошло не так; подробности в журнале сервера.",
        "ask_not_heard": "Не удалось разобрать вопрос в этом голосовом; задайте его ещё раз.",
        "knowledge_unavailable": "Поиск по заметкам на этом сервере недоступен.",
        "heard": "❓ {question}",
        "empty_answer": "Модель не дала ответа; возможно, помогут источники ниже.",
        "sources": "Источники:",
        "voice_on": "Ответы на ваши вопросы будут приходить и голосовыми сообщениями.",
        "voice_off": "Ответы на ваши вопросы будут приходить только текстом.",
        "voices_unavailable": "На этом сервере нельзя добавлять голоса.",
        "voice_name_missing": "Чтобы сделать из голосового сообщения голос, пришлите его с подписью /voice ИМЯ, "
        "например /voice мама. /voices покажет голоса.",
        "voice_enrolled": "Голос {voice} добавлен по {seconds:.0f} с речи. Я услышал: «{heard}». "
        "Выбирайте его как voice={voice} в /read или как голос {voice} в API.",
        "voice_not_enrolled": "Голос не добавлен: {reason}",
        "voice_sample_silent": "в записи тишина. Запишите 5–15 секунд речи одного человека.",
        "voice_sample_too_short": "в записи слишком мало речи. Запишите 5–15 секунд речи одного человека.",
        "voice_sample_noisy": "слишком много шума. Запишите в тихой комнате, ближе к телефону.",
        "voice_sample_clipped": "запись искажена (слишком громко). Держите телефон чуть дальше.",
        "voice_sample_several_speakers": "говорит больше одного человека. Запишите один голос.",
        "voice_sample_no_words": "не удалось разобрать слова. Прочитайте вслух несколько предложений.",
        "voice_invalid_voice_name": "«{voice}» не годится в имя голоса: буквы, цифры, _ и -.",
        "voice_voice_exists": "голос «{voice}» уже есть; выберите другое имя.",
        "voices_none": "Голосов пока нет. Пришлите голосовое с подписью /voice ИМЯ, чтобы добавить.",
        "voices_list": "Голоса:\n{voices}",
        "voice_usage": "Напишите /voice on или /voice off: присылать ли ответы на вопросы ещё и голосом. "
        "Сейчас: {state}. Чтобы добавить голос, пришлите голосовое с подписью /voice ИМЯ.",
    },
}


def text(name: str, language_code: str | None, **values: object) -> str:
    language = "ru" if (language_code or "").lower().startswith(("ru", "uk", "be", "kk")) else "en"
    return _TEXTS[language][name].format(**values)
