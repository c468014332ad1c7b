"""The ASGI application `python -m bot serve` runs (and a PaaS runs from the Procfile).

The core is loaded before the app is returned, so a content error stops the process at start.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .. import __version__
from ..core import Core


def create_app(core: Core) -> Starlette:
    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__, "facts": len(core.facts)})

    app = Starlette(routes=[Route("/healthz", healthz, methods=["GET"])])
    app.state.core = core
    return app
