"""The Telegram bot: captures into the vault, replies, and spoken answers (python-telegram-bot v22)."""
