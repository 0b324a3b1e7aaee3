"""The backends behind one ChatModel interface.

- base.py: the ChatModel protocol, ModelOutput / ModelDelta
- rules.py: the rules backend (no weights; works from the agent's reading of the dialogue)
- replies.py: the rules backend's words, written from typed tool results
- openai.py: any OpenAI-compatible server (vLLM in production); imported only when configured
"""

from agent.models.base import ChatModel, ModelDelta, ModelOutput, ToolSpec, stream_from_complete

__all__ = ["ChatModel", "ModelDelta", "ModelOutput", "ToolSpec", "stream_from_complete"]
