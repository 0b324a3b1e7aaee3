"""The one place a conversation is checked before a turn: every surface (the HTTP API, the UI,
the Python API, LangChain) passes its messages through here, and each problem has one message
naming the field at fault (`messages[3].content`), counted over the messages as they were sent.
An assistant message may come back with its `tailtalk` data: what it showed is then read from
that structure, not from its text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agent.errors import MessageTooLongError, RequestError
from agent.types import Message, Shown

if TYPE_CHECKING:
    from agent.settings import AgentSettings

_ROLES = {"developer": "system"}  # OpenAI's newer name for a system message


def as_messages(messages: Sequence[Message | Mapping[str, Any]]) -> list[Message]:
    """Messages from Message values or OpenAI-style dicts ({"role": ..., "content": ...});
    content given as a list of parts keeps its text parts."""
    out: list[Message] = []
    for i, message in enumerate(messages):
        if isinstance(message, Message):
            out.append(message)
            continue
        if not isinstance(message, Mapping):
            raise RequestError(
                f"messages[{i}] is a {type(message).__name__}; send a dict with 'role' and "
                "'content', or an agent Message",
                param=f"messages[{i}]",
            )
        role = _ROLES.get(str(message.get("role")), message.get("role"))
        shown = message.get("shown")
        extension = message.get("tailtalk")
        if shown is None and role == "assistant" and isinstance(extension, Mapping):
            shown = shown_from(extension)
        content = message.get("content") or ""
        if isinstance(content, list):
            content = "".join(
                str(p.get("text") or "")
                for p in content
                if isinstance(p, Mapping) and p.get("type") == "text"
            )
        try:
            fields = {"role": role, "content": content, "shown": shown}
            out.append(Message.model_validate(fields))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "message"
            raise RequestError(
                f"messages[{i}].{field}: {first['msg']}", param=f"messages[{i}].{field}"
            ) from None
    return out


def shown_from(extension: Mapping[str, Any]) -> Shown | None:
    """What an earlier answer showed, from the `tailtalk` data it came back with (the wire
    extension, or a Reply dumped as a dict); None when it is not TailTalk's data after all."""
    try:
        return Shown(
            product_ids=tuple(str(r["id"]) for r in extension.get("recommendations", [])),
            list_kind=extension.get("list_kind", "results"),
            outcome=extension.get("outcome", "results"),
        )
    except (KeyError, TypeError, ValueError):
        return None


def unicode_problem(text: str) -> str | None:
    """What makes `text` not valid Unicode (a lone surrogate: JSON's "\\ud800" parses to one,
    and nothing can store or encode it), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"invalid Unicode at character {exc.start}: a lone surrogate "
            f"(U+{ord(text[exc.start]):04X}); send the text as valid UTF-8 (a character outside "
            "the basic plane is a surrogate pair, high then low)"
        )
    return None


def validated(messages: Sequence[Message], limits: AgentSettings) -> list[Message]:
    """The dialogue the agent reads (shopper and assistant messages), after checking the whole
    request against the limits. The shop's own system prompt governs: a client's system or
    tool messages are counted and checked, but not read."""
    if not messages:
        raise RequestError(
            "messages is empty; send at least the shopper's message", param="messages"
        )
    if len(messages) > limits.max_messages:
        raise RequestError(
            f"{len(messages)} messages is more than the limit of {limits.max_messages}; start a "
            "new conversation",
            param="messages",
        )
    for i, message in enumerate(messages):
        problem = unicode_problem(message.content)
        if problem:
            raise RequestError(
                f"messages[{i}].content: {problem}",
                param=f"messages[{i}].content",
                code="invalid_unicode",
            )
        if len(message.content) > limits.max_message_chars:
            raise MessageTooLongError(
                f"messages[{i}] has {len(message.content)} characters; the limit is "
                f"{limits.max_message_chars} (TAILTALK_AGENT__MAX_MESSAGE_CHARS)",
                param=f"messages[{i}].content",
            )
    if messages[-1].role != "user":
        raise RequestError(
            f"the last message must be the shopper's (role 'user'), not '{messages[-1].role}'",
            param="messages",
            code="invalid_value",
        )
    if not messages[-1].content.strip():
        raise RequestError("the shopper's message is empty", param="messages")
    return [m for m in messages if m.role in ("user", "assistant")]
