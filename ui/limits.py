"""Rate limits for what shoppers send besides turns (feedback), in process: token buckets.

A bucket holds up to `per_minute` tokens and refills at `per_minute` a minute; each event takes
one. Buckets are per name (a session, a key); the least recently used are dropped past
`max_buckets`, so an attacker making up names costs bounded memory. Each worker process counts
for itself: with `--workers N` the limits are N times as wide.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from retrieval.errors import TailTalkError


class RateLimitError(TailTalkError):
    status_code = 429
    error_type = "rate_limit_error"
    code = "rate_limit_exceeded"

    def __init__(self, message: str, retry_after: float, param: str | None = None) -> None:
        super().__init__(message, param=param)
        self.retry_after = retry_after


class TokenBuckets:
    def __init__(self, per_minute: int, max_buckets: int = 100_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, name: str, now: float | None = None) -> float:
        """Takes a token from `name`'s bucket: 0.0 when there was one, else the seconds until
        there will be (nothing is taken then)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, since = self._buckets.pop(name, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - since) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[name] = (tokens, now)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
            return wait


class FeedbackLimits:
    """Feedback per session and per key (TAILTALK_API__FEEDBACK_PER_*_PER_MINUTE)."""

    def __init__(self, per_session: int, per_key: int) -> None:
        self.sessions = TokenBuckets(per_session)
        self.keys = TokenBuckets(per_key)

    def check(self, session_id: str, key: str) -> None:
        # The session first: a session out of tokens spends none of its key's.
        for buckets, name, what, setting in (
            (
                self.sessions,
                session_id,
                "this session",
                "TAILTALK_API__FEEDBACK_PER_SESSION_PER_MINUTE",
            ),
            (self.keys, key, "this key", "TAILTALK_API__FEEDBACK_PER_KEY_PER_MINUTE"),
        ):
            wait = buckets.take(name)
            if wait:
                limit = int(buckets.capacity)
                raise RateLimitError(
                    f"too much feedback from {what}: at most {limit} a minute ({setting}); "
                    f"try again in {math.ceil(wait)} s",
                    retry_after=wait,
                )
