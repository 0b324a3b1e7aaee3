"""A circuit breaker for the LLM server: after `failures` failed calls in a row, calls are refused
at once for `cooldown` seconds (the agent's fallback answers without waiting on a dead server);
then one call is let through to try it again (half open): its success closes the circuit, its
failure opens it for another cooldown. It also keeps what /health reports about the LLM.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from agent.types import LLMHealth


class CircuitBreaker:
    def __init__(
        self, failures: int, cooldown: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.threshold = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._health = LLMHealth()
        self._trial = False  # half open: the one call that tries the server is under way

    def allow(self) -> bool:
        """Whether a call may go to the server now (in half-open state, only one at a time)."""
        with self._lock:
            health = self._health
            if health.circuit == "open":
                if health.retry_at is not None and self.clock() < health.retry_at:
                    return False
                self._set(circuit="half_open")
            if self._health.circuit == "half_open":
                if self._trial:
                    return False
                self._trial = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._trial = False
            self._set(
                circuit="closed",
                consecutive_failures=0,
                successes=self._health.successes + 1,
                last_success=self.clock(),
                retry_at=None,
            )

    def failed(self, error: str) -> None:
        with self._lock:
            now = self.clock()
            in_a_row = self._health.consecutive_failures + 1
            trip = self._health.circuit == "half_open" or in_a_row >= self.threshold
            self._trial = False
            self._set(
                consecutive_failures=in_a_row,
                failures=self._health.failures + 1,
                last_failure=now,
                last_error=error[:300],
                circuit="open" if trip else self._health.circuit,
                retry_at=now + self.cooldown if trip else self._health.retry_at,
            )

    def abandoned(self) -> None:
        """A call that ended neither way (its caller stopped reading): let another try."""
        with self._lock:
            self._trial = False

    def health(self) -> LLMHealth:
        with self._lock:
            return self._health

    def _set(self, **changes: object) -> None:
        self._health = self._health.model_copy(update=changes)
