"""Errors raised by the agent core. Each surface translates them once (HTTP envelope, UI line)."""

from __future__ import annotations

from retrieval.errors import TailTalkError


class RequestError(TailTalkError):
    """The shopper's or client's input cannot be used as it is; `param` names the field."""

    status_code = 400
    error_type = "invalid_request_error"


class MessageTooLongError(RequestError):
    code = "message_too_long"


class LLMUnavailableError(TailTalkError):
    """The LLM server cannot be reached, timed out, or keeps answering garbage."""

    status_code = 503
    error_type = "service_unavailable_error"
    code = "llm_unavailable"


class ProductNotFoundError(RequestError):
    status_code = 404
    code = "product_not_found"
