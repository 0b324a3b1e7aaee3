"""TailTalk inside LangChain applications, three ways.

- `as_runnable(agent)`: the whole agent as a Runnable. Input: a string, a list of messages, or
  {"messages": [...], "session_id": ..., "shopper_id": ...}. Output: an AIMessage with the answer
  (products as a markdown list) and the structured recommendations in
  `additional_kwargs["tailtalk"]`. `.stream()` yields the answer as it is written.
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
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from agent.dialogue import read_dialogue
from agent.render import product_list
from agent.tools import TOOLS, ToolError, Turn
from agent.types import EventKind, Message
from retrieval.rerank.base import RerankContext

if TYPE_CHECKING:
    from agent.agent import Agent


def langchain_tools(agent: Agent, session_id: str = "") -> list[Any]:
    from langchain_core.tools import StructuredTool

    session = _ToolSession(agent, session_id)
    return [
        StructuredTool.from_function(
            func=session.runner(name),
            name=name,
            description=description,
            args_schema=model,
        )
        for name, (model, description) in TOOLS.items()
    ]


class _ToolSession:
    """The products a bot's session has been shown, so "get/compare" know what is allowed."""

    def __init__(self, agent: Agent, session_id: str) -> None:
        self.agent = agent
        self.session_id = session_id
        self.shown: list[Message] = []

    def runner(self, name: str) -> Any:
        model = TOOLS[name][0]

        def run(**arguments: Any) -> str:
            shop = self.agent.shop
            state = read_dialogue(self.shown, shop.vocabulary, shop.get, None, shop.named_in)
            turn = Turn(
                state,
                self.session_id,
                self.agent.settings.k,
                RerankContext(session_id=self.session_id),
            )
            try:
                result = self.agent.toolbox.run(name, model.model_validate(arguments), turn)
            except ToolError as exc:
                return json.dumps({"error": str(exc)})
            if turn.listed:
                shop.record_shown([(c.id, c.rank) for c in turn.listed])
                listed = product_list(turn.listed)
                self.shown.append(Message(role="assistant", content=listed))
            return json.dumps(result, ensure_ascii=False)

        return run


def as_runnable(agent: Agent) -> Any:
    from langchain_core.messages import AIMessageChunk
    from langchain_core.runnables import RunnableLambda

    def run(inputs: Any) -> Iterator[AIMessageChunk]:
        messages, session_id, shopper_id = _read_inputs(inputs)
        said = False
        for event in agent.stream_reply(messages, session_id, shopper_id):
            if event.kind is EventKind.TEXT:
                yield AIMessageChunk(content=(" " if said else "") + event.text)
                said = True
            elif event.reply is not None:
                reply = event.reply
                rest = reply.markdown()[len(reply.text) :] if said else reply.markdown()
                extension = {
                    "session_id": session_id,
                    "backend": reply.backend,
                    "recommendations": [c.model_dump(mode="json") for c in reply.recommendations],
                    "clarifying_question": reply.clarifying_question,
                }
                yield AIMessageChunk(content=rest, additional_kwargs={"tailtalk": extension})

    return RunnableLambda(run, name="tailtalk")


def as_tool(agent: Agent) -> Any:
    from langchain_core.tools import StructuredTool

    def shopping_assistant(question: str, session_id: str = "") -> str:
        """Ask TailTalk, the shop's shopping assistant, to find or explain products. Pass the
        shopper's own words; the same session_id keeps the shopper's conversation."""
        if session_id:
            return agent.respond(session_id, question).markdown()
        return agent.reply([Message(role="user", content=question)]).markdown()

    return StructuredTool.from_function(shopping_assistant, name="shopping_assistant")


def _read_inputs(inputs: Any) -> tuple[list[Message], str, str | None]:
    session_id, shopper_id = "", None
    if isinstance(inputs, dict):
        session_id = str(inputs.get("session_id") or "")
        shopper_id = inputs.get("shopper_id")
        inputs = inputs.get("messages", inputs.get("input", ""))
    if isinstance(inputs, str):
        return [Message(role="user", content=inputs)], session_id, shopper_id
    messages = []
    for item in inputs:
        if isinstance(item, tuple):
            role, content = item
        else:  # a LangChain message
            role, content = item.type, item.content
        if role in ("user", "human"):
            messages.append(Message(role="user", content=str(content)))
        elif role in ("assistant", "ai"):
            messages.append(Message(role="assistant", content=str(content)))
    return messages, session_id, shopper_id
