"""Our Rasa input/output channels (web chat, Telegram, Zalo OA) and what they share."""
