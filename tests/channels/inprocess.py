"""Serving connectors from a Sanic app inside the test process, the way Rasa registers them,
for the tests that need no Rasa model (a disabled channel, the documentation's example)."""
from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Sequence

from rasa.core.channels.channel import InputChannel, register
from sanic import Sanic


@asynccontextmanager
async def serving(channels: Sequence[InputChannel], agent: Any = None) -> AsyncIterator[str]:
    """Yields the base URL (…/webhooks) of a running app; `agent.handle_message` stands in for Rasa."""
    Sanic.test_mode = True            # lets several apps start in one process (Sanic's method touch-up)
    app = Sanic(f"channels_test_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = agent
    register(list(channels), app, "/webhooks/")
    server = await app.create_server(host="127.0.0.1", port=0, return_asyncio_server=True)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{server.server.sockets[0].getsockname()[1]}/webhooks"
    finally:
        server.close()
        await server.wait_closed()
