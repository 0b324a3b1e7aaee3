"""Attack surface: API keys compared in constant time, fuzzing the OpenAPI schema (no 5xx), and
logs that carry neither keys nor what shoppers wrote."""

from __future__ import annotations

import hmac
import logging

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from agent.settings import AgentSettings, ApiSettings, Settings


@pytest.fixture
def api_app(make_agent, tmp_path):
    from ui.server import create_app

    agent = make_agent()
    config = Settings(data_dir=tmp_path, agent=AgentSettings(), api=ApiSettings())
    return create_app(config, agent, ui=False)


def test_fuzzed_requests_never_get_a_server_error(api_app):
    # schemathesis's pytest plugin does not load under pytest 9; its strategies drive hypothesis
    # directly here instead, one operation at a time.
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "POST /v1/chat/completions",
        "GET /v1/models",
        "POST /v1/feedback",
        "GET /v1/profile/{shopper_id}",
    }
    calls = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call()
            calls.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            if response.status_code >= 400:
                error = response.json()["error"]
                assert error["message"] and error["type"]

        fuzz()
    assert len(calls) >= 50


def test_keys_are_all_compared_every_time(start_server, monkeypatch):
    running = start_server(keys=["alpha-key", "beta-key", "gamma-key"])
    calls = []
    real = hmac.compare_digest

    def counting(a, b):
        calls.append(1)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    for key, status in (("alpha-key", 200), ("gamma-key", 200), ("nope", 401)):
        response = httpx.get(f"{running.url}/v1/models", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == status
    assert len(calls) == 9  # three keys, three requests: no early exit on a match


def test_logs_hold_no_keys_and_no_shopper_text(start_server, caplog):
    running = start_server(keys=["super-secret-key-123"])
    caplog.set_level(logging.DEBUG)
    secret = "my card number is 4111 1111 1111 1111, find me a yoga mat"
    body = {"model": "tailtalk", "messages": [{"role": "user", "content": secret}]}
    response = httpx.post(
        f"{running.url}/v1/chat/completions",
        json=body,
        headers={"Authorization": "Bearer super-secret-key-123", "X-Session-Id": "log-check"},
    )
    assert response.status_code == 200
    httpx.post(
        f"{running.url}/v1/chat/completions",
        json=body,
        headers={"Authorization": "Bearer wrong-key"},
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "log-check" in logged  # the turn was logged...
    assert "super-secret-key-123" not in logged and "wrong-key" not in logged
    assert "4111" not in logged and "yoga mat" not in logged  # ...without its text
