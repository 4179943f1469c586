"""The workspace's Sanic application: the signed-in user on every request, security headers on
every reply, the pages of workspace/views."""
from __future__ import annotations

import logging

from sanic import Sanic
from sanic.request import Request

from workspace.accounts import session_user
from workspace.publish import Publisher
from workspace.rasa_api import RasaApi
from workspace.render import HEADERS
from workspace.settings import WorkspaceSettings
from workspace.views import admin, auth, dashboard, inbox, records, review

log = logging.getLogger(__name__)
BLUEPRINTS = (auth.pages, admin.pages, records.pages, review.pages, inbox.pages, dashboard.pages)


def create_app(settings: WorkspaceSettings, publisher: Publisher, rasa: RasaApi) -> Sanic:
    app = Sanic("workspace")
    app.config.REQUEST_MAX_SIZE = 2_000_000
    app.config.FORWARDED_SECRET = None
    app.ctx.settings = settings
    app.ctx.publisher = publisher
    app.ctx.rasa = rasa

    @app.on_request
    async def who(request: Request) -> None:
        request.ctx.user = session_user(request.cookies.get(auth.SESSION_COOKIE))

    @app.on_response
    async def headers(request: Request, reply) -> None:
        for name, value in HEADERS.items():
            reply.headers.setdefault(name, value)

    @app.before_server_start
    async def load_catalog(app: Sanic) -> None:     # in the background: sign-in works meanwhile
        app.add_task(app.loop.run_in_executor(None, publisher.cache.catalog))

    for blueprint in BLUEPRINTS:
        app.blueprint(blueprint)
    return app
