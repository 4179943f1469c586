"""An answer to the citizen when the action server cannot be reached.

Rasa 3.6's RemoteAction.run turns a connection error into a RasaException (and lets a
timeout through); the processor (MessageProcessor._run_action) logs it and drops the
action's events, so the citizen got an empty reply. Here RemoteAction.run answers instead
with the domain response `utter_service_unavailable` (bot/domain/core.yml), once per turn.
Every other failure (a rejection, an error status, an invalid reply) stays Rasa's own.
Custom actions and form validation (validate_<form>) both go through RemoteAction.run.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, List

RESPONSE = "utter_service_unavailable"

logger = logging.getLogger(__name__)


def _unreachable(error: BaseException) -> bool:
    import aiohttp

    # RemoteAction.run raises its RasaException inside `except aiohttp.ClientConnectionError`
    # (refused, reset, disconnected, connect/read timeout): that error is its context.
    return isinstance(error, asyncio.TimeoutError) or isinstance(error.__context__, aiohttp.ClientConnectionError)


def _apologised_this_turn(tracker: Any) -> bool:
    from rasa.shared.core.events import BotUttered, UserUttered

    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.metadata.get("utter_action") == RESPONSE:
            return True
    return False


def answer_when_action_server_unreachable() -> None:
    from rasa.core.actions.action import RemoteAction, create_bot_utterance
    from rasa.shared.exceptions import RasaException

    rasa_run = RemoteAction.run
    if getattr(rasa_run, "answers_when_unreachable", False):
        return

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await rasa_run(self, output_channel, nlg, tracker, domain)
        except (RasaException, asyncio.TimeoutError) as error:
            if not _unreachable(error):
                raise
            logger.warning(f"Action '{self.name()}': the action server at {self.action_endpoint.url} is "
                           f"unreachable ({(error.__context__ or error)!r}); answering with '{RESPONSE}'.")
            if _apologised_this_turn(tracker):
                return []
            draft = await nlg.generate(RESPONSE, tracker, output_channel.name())
            if not draft:                                 # a model trained without the response
                logger.error(f"The domain has no '{RESPONSE}': the reply stays empty.")
                raise
            draft["utter_action"] = RESPONSE
            return [create_bot_utterance(draft)]

    run.answers_when_unreachable = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
