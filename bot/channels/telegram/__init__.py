"""The Telegram channel (aiogram 3): updates in as engine events, replies out as Bot API calls."""
