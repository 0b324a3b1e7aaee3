"""What the server hands to browsers besides the API: the embeddable chat widget (GET /widget.js,
GET /tailtalk/...), generated placeholder images (GET /images/placeholder/{id}.svg), and the CORS
policy that lets a shop's own pages call /v1 (TAILTALK_API__CORS_ORIGINS).

These routes need no API key even when keys are set (ui/auth.py lets them through): a `<script>`
or `<img>` tag cannot send one, and they reveal nothing the shop's pages do not show anyway.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from agent.agent import Agent
from ui.placeholder import URL_PREFIX, placeholder_svg

STATIC = Path(__file__).resolve().parent / "static"
CACHE = "public, max-age=3600"
STATIC_URL = "/tailtalk"


def add_asset_routes(app: FastAPI, agent: Agent) -> None:
    """Widget, static files and placeholders; call before mounting the chat UI at /."""

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(
            STATIC / "widget.js",
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": CACHE},
        )

    @app.get(URL_PREFIX + "{name:path}", include_in_schema=False)
    def placeholder(name: str) -> Response:
        product_id = name.removesuffix(".svg")
        product = agent.shop.get(product_id) if name.endswith(".svg") else None
        if product is None:
            raise StarletteHTTPException(404, f"there is no product '{product_id}' to draw")
        return Response(
            placeholder_svg(product),
            media_type="image/svg+xml",
            headers={"Cache-Control": CACHE},
        )

    # Not /static: the chat UI mounted at / serves its own files there.
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="tailtalk-static")


def add_cors(app: FastAPI, origins: list[str]) -> None:
    """Lets the listed origins (a shop's pages, with the widget) call the API from the browser.
    Keys travel as bearer headers, never cookies, so credentials stay off."""
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,  # type: ignore[arg-type]
        allow_origins=origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "X-Session-Id",
            "X-Shopper-Id",
            "X-Shopper-Token",
        ],
        expose_headers=["X-Session-Id"],
        max_age=600,
    )
