"""Product copy for products whose own text is thin: writers (template, LLM) whose every text is
checked against the record (copywriter.py), and the batch job behind `tailtalk enrich`
(enrich.py)."""

from agent.copywriting.copywriter import (
    Copy,
    Copywriter,
    LLMCopywriter,
    TemplateCopywriter,
    is_thin,
    unsupported_claims,
)
from agent.copywriting.enrich import EnrichReport, enrich, thin_products

__all__ = [
    "Copy",
    "Copywriter",
    "EnrichReport",
    "LLMCopywriter",
    "TemplateCopywriter",
    "enrich",
    "is_thin",
    "thin_products",
    "unsupported_claims",
]
