"""Our Rasa input/output channels (web chat, Telegram, Zalo OA) and what they share.

Shared pieces, one job each: settings (environment), replies (text + buttons), safelog
(logging without secrets), auth (webhook secrets and signatures), chunking (message length
limits), buttons (short ids for button payloads), dedup (platform retries), notices
(channel-level wording) and base (the webhook pipeline a connector plugs into).
Connectors: web, telegram, zalo (+ zalo_api). See docs/channels.md.
"""


class ChannelsError(Exception):
    """Root of every error this package raises."""
