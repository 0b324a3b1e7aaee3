"""What a dataset tells about popularity, beyond the catalogue's own counts.

ReDial's catalogue (id2info.json) has no counts; its dialogues (valid_dialogues.jsonl, beside it)
say which films were mentioned. Those mentions are the dataset's interactions. A session must not
learn from its own dialogue (its targets are mentioned there), so the popularity baseline sees,
for each session, the counts of every other dialogue (leave one dialogue out). Bands for the
tail metrics use all of them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eval.sessions import EvalSession


@dataclass
class Interactions:
    counts: Counter[str] = field(default_factory=Counter)  # over the whole dataset
    by_group: dict[str, Counter[str]] = field(default_factory=dict)  # per dialogue
    source: str = ""

    def own(self, session: EvalSession) -> Counter[str]:
        """The interactions of the session's own dialogue, which it must not learn from."""
        return self.by_group.get(_redial_dialogue(session.session_id), Counter())


def interactions_for(catalog: Path, fmt: str) -> Interactions:
    if fmt == "redial" or catalog.name == "id2info.json":
        dialogues = catalog.parent / "valid_dialogues.jsonl"
        if dialogues.exists():
            return _redial_mentions(dialogues)
    return Interactions()


def _redial_mentions(path: Path) -> Interactions:
    out = Interactions(source=f"film mentions in {path.name}")
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            dialogue = json.loads(line)
            mentioned = Counter(str(m) for m in dialogue.get("movieMentions") or {})
            out.by_group[str(dialogue.get("conversationId"))] = mentioned
            out.counts.update(mentioned)
    return out


def _redial_dialogue(session_id: str) -> str:
    """ "redial-16162-4" -> "16162"."""
    parts = session_id.split("-")
    return parts[1] if len(parts) >= 3 and parts[0] == "redial" else ""
