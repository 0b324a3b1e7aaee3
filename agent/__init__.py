"""The TailTalk agent core and its Python API.

Imports without torch, transformers, gradio or fastapi.
"""

from agent.settings import Settings
from retrieval.errors import TailTalkError

__all__ = ["Settings", "TailTalkError"]
