"""TailTalk inside LangChain applications, three ways.

- `as_runnable(agent)`: the whole agent as a Runnable. Input: a string, a list of messages
  (LangChain messages, OpenAI-style dicts or (role, text) tuples), or {"messages": [...],
  "session_id": ..., "shopper_id": ...}. `.invoke()` returns an AIMessage with the answer
  (products as a markdown list) and the structured recommendations in
  `additional_kwargs["tailtalk"]`; `.stream()` yields AIMessageChunks as the answer is written,
  the last one carrying the same `tailtalk` data.
- `as_tool(agent)`: the agent as one tool ("shopping_assistant") a customer-service bot's own
  model can call with the shopper's question.
- `langchain_tools(agent, session_id)`: TailTalk's four tools for a bot with its own model:

      tools = langchain_tools(build_agent(), session_id="chat-42")
      llm.bind_tools(tools)  # the bot's model calls search_products, get_product, ...

  Each call goes through the same Toolbox as the agent's own loop, so the same policy holds:
  search always runs the configured re-ranker and never shows rejected products; get/compare/copy
  only work on products this session has been shown. What search returns is recorded as shown,
  for the exposure ledger and for the next calls of the same session.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from agent.reading.state import read_dialogue
from agent.render import product_list, reply_markdown
from agent.tools.models import ToolError
from agent.tools.registry import TOOLS
from agent.tools.turn import Turn
from agent.types import EventKind, Message, Reply, Shown
from agent.validation import as_messages, shown_from
from retrieval.rerank.base import RerankContext

if TYPE_CHECKING:
    from agent.agent import Agent

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def langchain_tools(agent: Agent, session_id: str = "") -> list[Any]:
    from langchain_core.tools import StructuredTool

    session = _ToolSession(agent, session_id)
    return [
        StructuredTool.from_function(
            func=session.runner(name),
            name=name,
            description=tool.description,
            args_schema=tool.arguments,
        )
        for name, tool in TOOLS.items()
    ]


class _ToolSession:
    """The products a bot's session has been shown, so "get/compare" know what is allowed."""

    def __init__(self, agent: Agent, session_id: str) -> None:
        self.agent = agent
        self.session_id = session_id
        self.shown: list[Message] = []

    def runner(self, name: str) -> Any:
        arguments_model = TOOLS[name].arguments

        def run(**arguments: Any) -> str:
            shop = self.agent.shop
            state = read_dialogue(self.shown, shop, None, shop.reading_options)
            turn = Turn(
                state,
                self.session_id,
                self.agent.settings.k,
                RerankContext(session_id=self.session_id),
            )
            try:
                valid = arguments_model.model_validate(arguments)
                result = self.agent.toolbox.run(name, valid, turn)
            except ToolError as exc:
                return json.dumps({"error": str(exc)})
            if turn.listed:
                shop.record_shown([(c.id, c.rank) for c in turn.listed])
                shown = Shown(product_ids=tuple(c.id for c in turn.listed))
                message = Message(role="assistant", content=product_list(turn.listed), shown=shown)
                self.shown.append(message)
            return result.to_json()

        return run


def as_runnable(agent: Agent) -> Any:
    from langchain_core.messages import AIMessage, AIMessageChunk
    from langchain_core.runnables import Runnable

    class TailTalkRunnable(Runnable[Any, Any]):
        name = "tailtalk"

        def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
            messages, session_id, shopper_id = _read_inputs(input)
            reply = agent.reply(messages, session_id, shopper_id)
            extension = _extension(reply, session_id)
            return AIMessage(content=reply_markdown(reply), additional_kwargs=extension)

        def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[AIMessageChunk]:
            messages, session_id, shopper_id = _read_inputs(input)
            said = False
            for event in agent.stream_reply(messages, session_id, shopper_id):
                if event.kind is EventKind.TEXT:
                    yield AIMessageChunk(content=(" " if said else "") + event.text)
                    said = True
                elif event.reply is not None:
                    reply = event.reply
                    whole = reply_markdown(reply)
                    rest = whole[len(reply.text) :] if said else whole
                    extension = _extension(reply, session_id)
                    yield AIMessageChunk(content=rest, additional_kwargs=extension)

    return TailTalkRunnable()


def as_tool(agent: Agent) -> Any:
    from langchain_core.tools import StructuredTool

    def shopping_assistant(question: str, session_id: str = "") -> str:
        """Ask TailTalk, the shop's shopping assistant, to find or explain products. Pass the
        shopper's own words; the same session_id keeps the shopper's conversation."""
        if session_id:
            return reply_markdown(agent.respond(session_id, question))
        return reply_markdown(agent.reply([Message(role="user", content=question)]))

    return StructuredTool.from_function(shopping_assistant, name="shopping_assistant")


def _extension(reply: Reply, session_id: str) -> dict[str, Any]:
    return {
        "tailtalk": {
            "session_id": session_id,
            "backend": reply.backend,
            "outcome": reply.outcome.value,
            "recommendations": [c.model_dump(mode="json") for c in reply.recommendations],
            "list_kind": reply.list_kind,
            "clarifying_question": reply.clarifying_question,
        }
    }


def _read_inputs(inputs: Any) -> tuple[list[Message], str, str | None]:
    session_id, shopper_id = "", None
    if isinstance(inputs, Mapping) and "role" not in inputs:
        session_id = str(inputs.get("session_id") or "")
        shopper_id = inputs.get("shopper_id")
        inputs = inputs.get("messages", inputs.get("input", ""))
    if isinstance(inputs, str):
        return [Message(role="user", content=inputs)], session_id, shopper_id
    if isinstance(inputs, Mapping):
        inputs = [inputs]
    plain: list[Message | Mapping[str, Any]] = []
    for item in inputs:
        if isinstance(item, tuple):
            role, content = item
            plain.append({"role": _ROLES.get(role, role), "content": content})
        elif isinstance(item, Mapping | Message):
            plain.append(item)
        else:  # a LangChain message
            shown = (getattr(item, "additional_kwargs", None) or {}).get("tailtalk")
            plain.append(
                {
                    "role": _ROLES.get(item.type, item.type),
                    "content": item.content,
                    "shown": shown_from(shown) if shown else None,
                }
            )
    return as_messages(plain), session_id, shopper_id
