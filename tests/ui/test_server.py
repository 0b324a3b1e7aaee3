"""The OpenAI-compatible API on a real uvicorn server, driven by the official `openai` client
and LangChain's ChatOpenAI, streamed and not; auth, malformed bodies, limits, unknown models."""

from __future__ import annotations

import json
import time

import httpx
import openai
import pytest

from agent.log import SessionLog, export_sessions

ASK = [{"role": "user", "content": "a yoga mat under $40"}]


def client(running, key="none"):
    return openai.OpenAI(base_url=f"{running.url}/v1", api_key=key, max_retries=0)


def test_completion_with_the_openai_client(start_server):
    running = start_server()
    completion = client(running).chat.completions.create(model="tailtalk", messages=ASK)
    content = completion.choices[0].message.content
    extension = completion.model_extra["tailtalk"]
    products = extension["recommendations"]
    assert completion.choices[0].finish_reason == "stop"
    assert products and all(p["price"] <= 40 for p in products)
    assert extension["backend"] == "rules" and extension["list_kind"] == "results"
    for rank, product in enumerate(products, start=1):
        assert f"`{product['id']}`" in content and product["rank"] == rank
        assert {"why", "band", "long_tail", "propensity", "copy_text"} <= set(product)
    models = client(running).models.list()
    assert [m.id for m in models.data] == ["tailtalk"]


def test_streaming_with_the_openai_client(start_server):
    running = start_server()
    stream = client(running).chat.completions.create(model="tailtalk", messages=ASK, stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    extension = chunks[-1].model_extra["tailtalk"]
    assert extension["recommendations"]
    for product in extension["recommendations"]:
        assert f"`{product['id']}`" in text
    assert len(chunks) >= 4  # role, text, product list, final


def test_the_conversation_goes_back_and_forth_statelessly(start_server):
    running = start_server()
    api = client(running)
    first = api.chat.completions.create(model="tailtalk", messages=ASK, user="shopper-session")
    second = first.model_extra["tailtalk"]["recommendations"][1]
    messages = [
        *ASK,
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "tell me more about the second one"},
    ]
    details = api.chat.completions.create(
        model="tailtalk", messages=messages, user="shopper-session"
    )
    extension = details.model_extra["tailtalk"]
    assert [p["id"] for p in extension["recommendations"]] == [second["id"]]
    assert extension["session_id"] == "shopper-session"
    log = SessionLog(running.settings.log_path)
    assert len(log.turns("shopper-session")) == 2


def test_langchain_chat_openai(start_server):
    from langchain_openai import ChatOpenAI

    running = start_server(keys=["secret-key"])
    llm = ChatOpenAI(
        base_url=f"{running.url}/v1", api_key="secret-key", model="tailtalk", max_retries=0
    )
    answer = llm.invoke("a yoga mat under $40")
    assert "`demo-" in answer.content
    streamed = "".join(chunk.content for chunk in llm.stream("a dog bed"))
    assert "dog bed" in streamed.casefold() and "`demo-" in streamed


def test_api_keys(start_server):
    running = start_server(keys=["k-one", "k-two"])
    for bad in ("", "wrong", "k-one-and-more"):
        with pytest.raises(openai.AuthenticationError) as caught:
            client(running, bad or "x").chat.completions.create(model="tailtalk", messages=ASK)
        error = caught.value.body
        assert caught.value.status_code == 401 and error["type"] == "authentication_error"
        assert error["code"] == "invalid_api_key"
    assert client(running, "k-two").chat.completions.create(model="tailtalk", messages=ASK)
    plain = httpx.get(f"{running.url}/v1/models")
    assert plain.status_code == 401 and "Bearer" in plain.json()["error"]["message"]


def test_unknown_model(start_server):
    running = start_server()
    with pytest.raises(openai.NotFoundError) as caught:
        client(running).chat.completions.create(model="gpt-4o", messages=ASK)
    error = caught.value.body
    assert (error["code"], error["param"]) == ("model_not_found", "model")
    assert "use 'tailtalk'" in error["message"]


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        (b"{not json", None, "invalid_json"),
        (json.dumps({"model": "tailtalk"}).encode(), "messages", "invalid_value"),
        (json.dumps({"model": "tailtalk", "messages": []}).encode(), "messages", "invalid_value"),
        (
            json.dumps(
                {"model": "tailtalk", "messages": [{"role": "wizard", "content": "hi"}]}
            ).encode(),
            "messages[0].role",
            "invalid_value",
        ),
        (
            json.dumps(
                {"model": "tailtalk", "messages": [{"role": "assistant", "content": "hi"}]}
            ).encode(),
            "messages",
            "invalid_value",
        ),
        (json.dumps({"model": "tailtalk", "messages": ASK, "n": 3}).encode(), "n", "invalid_value"),
        (
            json.dumps(
                {"model": "tailtalk", "messages": [{"role": "user", "content": "  "}]}
            ).encode(),
            "messages",
            None,
        ),
    ],
)
def test_malformed_bodies_get_an_error_envelope(start_server, body, param, code):
    running = start_server()
    response = httpx.post(
        f"{running.url}/v1/chat/completions",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert error["code"] == code and error["message"]


def test_limits_on_message_length_and_body_size(start_server):
    running = start_server(max_body_bytes=20_000, max_message_chars=500)
    long = [{"role": "user", "content": "x" * 501}]
    with pytest.raises(openai.BadRequestError) as caught:
        client(running).chat.completions.create(model="tailtalk", messages=long)
    error = caught.value.body
    assert (error["param"], error["code"]) == ("messages[0].content", "message_too_long")
    huge = json.dumps(
        {"model": "tailtalk", "messages": [{"role": "user", "content": "y" * 30_000}]}
    )
    response = httpx.post(
        f"{running.url}/v1/chat/completions",
        content=huge,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"

    def chunked():  # no Content-Length: the server counts as the body arrives
        yield huge[:10_000].encode()
        yield huge[10_000:].encode()

    response = httpx.post(
        f"{running.url}/v1/chat/completions",
        content=chunked(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_unknown_endpoint_and_method(start_server):
    running = start_server()
    response = httpx.get(f"{running.url}/v1/embeddings")
    assert response.status_code == 404 and response.json()["error"]["message"]
    response = httpx.delete(f"{running.url}/v1/models")
    assert response.status_code in (404, 405) and "error" in response.json()


def test_feedback_profile_and_export(start_server, tmp_path):
    running = start_server()
    headers = {"X-Session-Id": "fb-1", "X-Shopper-Id": "ann"}
    completion = httpx.post(
        f"{running.url}/v1/chat/completions",
        headers=headers,
        json={"model": "tailtalk", "messages": ASK},
    ).json()
    product = completion["tailtalk"]["recommendations"][0]["id"]
    recorded = httpx.post(
        f"{running.url}/v1/feedback",
        json={"session_id": "fb-1", "product_id": product, "kind": "cart"},
    )
    assert recorded.status_code == 200 and recorded.json()["recorded"]
    bad = httpx.post(
        f"{running.url}/v1/feedback",
        json={"session_id": "fb-1", "product_id": product, "kind": "love"},
    )
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "kind"
    assert httpx.get(f"{running.url}/v1/profile/ann").json()["carted"] == [product]
    (record,) = export_sessions(SessionLog(running.settings.log_path))
    assert record["session_id"] == "fb-1-0" and record["targets"] == [product]
    assert record["turns"] == ASK
    assert record["impressions"][0]["product_id"] == product
    assert record["feedback"][0]["kind"] == "cart"
    assert httpx.delete(f"{running.url}/v1/profile/ann").json()["cleared"]
    assert httpx.get(f"{running.url}/v1/profile/ann").json()["carted"] == []


def test_requests_are_answered_in_parallel(start_server):
    """A turn waiting on a slow model must not hold the others up: the agent runs off the event
    loop, in a thread per request, with no lock around it."""
    from concurrent.futures import ThreadPoolExecutor

    from agent.models.openai import OpenAIChatModel
    from agent.settings import LLMSettings
    from tests.fakes import FakeOpenAIServer, Scripted

    with FakeOpenAIServer([Scripted(content="Here is what I found.", delay=1.0)]) as fake:
        settings = LLMSettings(base_url=fake.base_url, timeout=10, max_retries=0)
        running = start_server(model=OpenAIChatModel(settings), llm=settings)

        def turn(n: int) -> float:
            started = time.monotonic()
            completion = client(running).chat.completions.create(
                model="tailtalk", messages=ASK, stream=n % 2 == 1
            )
            if n % 2:
                list(completion)
            return time.monotonic() - started

        started = time.monotonic()
        with ThreadPoolExecutor(6) as pool:
            each = list(pool.map(turn, range(6)))
        elapsed = time.monotonic() - started
    calls_per_turn = len(fake.requests) / 6
    assert min(each) >= calls_per_turn * 1.0 - 0.05  # every turn really waited on the model
    assert elapsed < 2 * calls_per_turn * 1.0 + 1.5  # six turns, one after another, take 6x


def test_invalid_unicode_is_a_400_not_a_500(start_server):
    running = start_server()
    url = f"{running.url}/v1/chat/completions"
    headers = {"Content-Type": "application/json"}
    lone = '{"model": "tailtalk", "messages": [{"role": "user", "content": "a mat \\ud800 now"}]}'
    for stream in ("false", "true"):
        body = lone[:-1] + f', "stream": {stream}}}'
        response = httpx.post(url, content=body.encode(), headers=headers)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert (error["code"], error["param"]) == ("invalid_unicode", "messages[0].content")
        assert "lone surrogate (U+D800)" in error["message"] and "character 6" in error["message"]
    feedback = '{"session_id": "s", "product_id": "p\\udfff", "kind": "like"}'
    response = httpx.post(f"{running.url}/v1/feedback", content=feedback.encode(), headers=headers)
    assert response.status_code == 400 and "unicode" in response.json()["error"]["message"]
    broken = b'{"model": "tailtalk", "messages": [{"role": "user", "content": "\xff\xfe"}]}'
    response = httpx.post(url, content=broken, headers=headers)
    assert response.status_code == 400 and response.json()["error"]["message"]
    pair = (
        '{"model": "tailtalk", "messages": [{"role": "user", "content": "a mat \\ud83e\\uddd8"}]}'
    )
    assert httpx.post(url, content=pair.encode(), headers=headers).status_code == 200  # 🧘
