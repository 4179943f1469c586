"""Telling citizens when a dossier they follow changes (README, "Notifications").

subscriptions (made in chat after the owner check) → changes recorded in the outbox by the SQL
store in the transaction of the change, or by the one-stop-shop poller → the worker fans each
change out to one delivery per subscription (idempotency key "<change>:<subscription>"), applies
quiet hours and the daily cap, and hands it to the Rasa server's channel (POST
/webhooks/<channel>/notify), which sends it once per key. Depends on appdb, dossiers, privacy and
envconfig; nothing here connects at import time.
"""
from __future__ import annotations

PUSH_CHANNELS = ("telegram", "zalo", "web")     # channels that can deliver a notification


class NotificationError(Exception):
    """Root of every error this package raises."""
