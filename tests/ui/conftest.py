"""A real TailTalk server (uvicorn on loopback, in a thread) on the demo index; headless Chromium
(Debian's chromium, driven by Playwright); a plain shop page on another origin."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agent.settings import AgentSettings, ApiSettings, LLMSettings, Settings


@dataclass
class Running:
    url: str
    agent: object
    settings: Settings


def serve(app) -> tuple[str, object]:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    return f"http://127.0.0.1:{port}", server


@pytest.fixture
def start_server(make_agent, tmp_path):
    from ui.server import create_app

    servers = []

    def start(
        keys=(),
        ui=False,
        max_body_bytes=1_000_000,
        max_message_chars=4000,
        model=None,
        llm=None,
        cors_origins=(),
        **api,
    ):
        agent = make_agent(model, llm=llm, max_message_chars=max_message_chars)
        settings = Settings(
            data_dir=tmp_path,
            agent=AgentSettings(max_message_chars=max_message_chars),
            llm=llm or LLMSettings(),
            api=ApiSettings(
                keys=list(keys),
                max_body_bytes=max_body_bytes,
                cors_origins=list(cors_origins),
                **api,
            ),
        )
        url, server = serve(create_app(settings, agent, ui=ui))
        servers.append(server)
        return Running(url, agent, settings)

    yield start
    for server in servers:
        server.should_exit = True


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the test's output stays readable
        pass


@pytest.fixture
def shop_site(tmp_path):
    """A plain shop page on its own port: another origin than TailTalk's server."""
    folder = tmp_path / "shop"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
