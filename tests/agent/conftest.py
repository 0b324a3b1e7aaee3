"""Agent tests use the shared fixtures in tests/conftest.py (make_agent, vocab)."""

from tests.conftest import assert_grounded

__all__ = ["assert_grounded"]
