"""The LLM circuit breaker on a hand-driven clock: opens after the failures in a row, refuses
while open, lets one call try again after the cooldown, and reports what /health shows."""

from __future__ import annotations

from agent.models.circuit import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_failures_in_a_row_and_tries_again_after_the_cooldown():
    clock = Clock()
    circuit = CircuitBreaker(failures=3, cooldown=30.0, clock=clock)
    assert circuit.allow()
    circuit.failed("timeout")
    circuit.succeeded()  # a success in between: the count starts again
    for _ in range(2):
        assert circuit.allow()
        circuit.failed("timeout")
    assert circuit.health().circuit == "closed" and circuit.health().consecutive_failures == 2
    circuit.failed("connection refused")
    health = circuit.health()
    assert health.circuit == "open" and health.retry_at == 1030.0
    assert (health.failures, health.successes, health.last_error) == (4, 1, "connection refused")
    clock.now = 1029.9
    assert not circuit.allow()
    clock.now = 1030.0
    assert circuit.allow()  # half open: this one call tries the server
    assert circuit.health().circuit == "half_open"
    assert not circuit.allow()  # ... and only this one
    circuit.failed("still down")  # one failure re-opens it for another cooldown
    assert circuit.health().circuit == "open" and circuit.health().retry_at == 1060.0
    clock.now = 1060.0
    assert circuit.allow()
    circuit.abandoned()  # the caller stopped reading: another call may try
    assert circuit.allow()
    circuit.succeeded()
    health = circuit.health()
    assert health.circuit == "closed" and health.consecutive_failures == 0
    assert health.last_success == 1060.0 and health.retry_at is None
