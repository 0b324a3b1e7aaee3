"""TailTalk's tools as LangChain tools, for customer-service bots built on LangChain.

    from agent import build_agent
    from agent.langchain_tools import langchain_tools
    tools = langchain_tools(build_agent(), session_id="chat-42")
    llm.bind_tools(tools)  # the bot's own model calls search_products, get_product, ...

Each call goes through the same Toolbox as the agent's own loop, so the same policy holds: search
always runs the configured re-ranker and never shows rejected products; get/compare/copy only
work on products this session has been shown. What search returns is recorded as shown, for the
exposure ledger and for the next calls of the same session.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agent.dialogue import read_dialogue
from agent.render import product_list
from agent.tools import TOOLS, ToolError, Turn
from agent.types import Message
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
            state = read_dialogue(self.shown, shop.vocabulary, shop.get)
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
