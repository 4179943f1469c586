"""Rasa custom actions. Nothing here loads a model or opens a file at import time."""


class ActionsError(Exception):
    """Root of every error this package raises."""
