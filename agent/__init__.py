"""The TailTalk agent core and its Python API.

    from agent import build_agent
    agent = build_agent()                       # settings from TAILTALK_* variables
    reply = agent.respond("session-1", "a fragrance-free moisturizer under $30")
    reply = agent.reply([{"role": "user", "content": "a yoga mat under $40"}])  # stateless
    for event in agent.stream("session-1", "something like the second one but cheaper"): ...

Imports without torch, transformers, gradio or fastapi; those load when an agent is built.
"""

from agent.agent import Agent
from agent.errors import LLMUnavailableError, MessageTooLongError, RequestError
from agent.factory import build_agent, build_shop
from agent.models.base import ChatModel, ModelDelta, ModelOutput
from agent.render import reply_markdown
from agent.settings import Settings
from agent.types import (
    AgentEvent,
    EventKind,
    FeedbackKind,
    Message,
    Outcome,
    Preferences,
    ProductCard,
    Reply,
    Shown,
    ToolCall,
    Trace,
)
from retrieval.errors import TailTalkError

__all__ = [
    "Agent",
    "AgentEvent",
    "ChatModel",
    "EventKind",
    "FeedbackKind",
    "LLMUnavailableError",
    "Message",
    "MessageTooLongError",
    "ModelDelta",
    "ModelOutput",
    "Outcome",
    "Preferences",
    "ProductCard",
    "Reply",
    "RequestError",
    "Settings",
    "Shown",
    "TailTalkError",
    "ToolCall",
    "Trace",
    "build_agent",
    "build_shop",
    "reply_markdown",
]
