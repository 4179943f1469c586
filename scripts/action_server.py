"""The action server as the stack runs it: rasa_sdk's app, on 127.0.0.1, for Rasa only.

rasa_sdk alone listens on every interface, takes any caller, and inflates a deflate body
whole. Here: the host is ACTIONS_HOST (default 127.0.0.1); every /webhook call must carry the
shared ACTIONS_TOKEN (Rasa sends it as ?token=, bot/endpoints.yml); bodies are capped at
MAX_BODY bytes, and a compressed body is refused when it would inflate beyond MAX_BODY.
Usage (the stack does it): .venv-actions/bin/python scripts/action_server.py
"""
from __future__ import annotations

import hmac
import logging
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import envconfig  # noqa: E402

MAX_BODY = 2_000_000       # bytes, before and after decompression (a tracker of a long conversation: ~200 kB)


def inflates_within(body: bytes, limit: int = MAX_BODY) -> bool:
    """Whether a deflate (zlib) body inflates to at most `limit` bytes, decompressing no further."""
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(body, limit + 1)
    except zlib.error:
        return True                 # not zlib at all: rasa_sdk answers it with a 400
    return len(inflated) <= limit


def create(token: str):
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.executor import ActionExecutor
    from sanic import response

    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY

    @app.on_request
    async def guard(request):
        if request.path != "/webhook":
            return None                                   # /health, /actions: nothing to protect
        offered = request.args.get("token") or ""
        if not token or not hmac.compare_digest(offered.encode(), token.encode()):
            return response.json({"error": "unauthorized"}, status=401)
        if request.headers.get("Content-Encoding") == "deflate" and not inflates_within(request.body):
            return response.json({"error": "body too large"}, status=413)
        return None

    return app


def main() -> int:
    envconfig.load_dotenv()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    token = envconfig.getenv("ACTIONS_TOKEN")
    if len(token) < 32:
        print("error: ACTIONS_TOKEN (at least 32 characters) is needed: Rasa sends it with every call "
              "(make run creates one)", file=sys.stderr)
        return 1
    host, port = envconfig.getenv("ACTIONS_HOST", "127.0.0.1"), envconfig.actions_port()
    create(token).run(host=host, port=port, workers=1, access_log=False, single_process=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
