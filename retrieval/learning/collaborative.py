"""The collaborative model: item-kNN over who interacted with what (implicit's CosineRecommender).

Users are shoppers (or sessions, or benchmark dialogues); an item's column holds the weights of the
users' events with it (a purchase weighs more than a click). Two items are similar when the same
users touched both: sim(a, b) = cosine of their columns, computed by `implicit`, keeping the K
nearest neighbours of each item. An item nobody interacted with (cold start) has no neighbours and
scores 0: the fusion then ranks it by its content signals alone, so new and long-tail products are
not pushed out by the model, only not helped by it.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

_SIMILARITY = "similarity.npz"
_ITEMS = "items.json"


@dataclass(frozen=True)
class WeightedEvent:
    user: str
    item: str
    weight: float = 1.0


class ItemKNN:
    """Item-item cosine similarity (K nearest neighbours per item), self-similarity removed."""

    def __init__(
        self, items: Sequence[str], similarity: sparse.csr_matrix, users: int = 0, events: int = 0
    ) -> None:
        self.items = list(items)
        self.column = {pid: i for i, pid in enumerate(self.items)}
        self.similarity = similarity.tocsr()
        self.n_users = users
        self.n_events = events

    @classmethod
    def fit(
        cls, events: Iterable[WeightedEvent], neighbours: int = 100, threads: int = 0
    ) -> ItemKNN:
        from implicit.nearest_neighbours import CosineRecommender

        users: dict[str, int] = {}
        items: dict[str, int] = {}
        rows, cols, values = [], [], []
        for event in events:
            if event.weight <= 0:
                continue
            rows.append(users.setdefault(event.user, len(users)))
            cols.append(items.setdefault(event.item, len(items)))
            values.append(event.weight)
        # Repeated (user, item) events add up: csr sums duplicates.
        matrix = sparse.csr_matrix(
            (np.asarray(values, dtype=np.float32), (rows, cols)), shape=(len(users), len(items))
        )
        model = CosineRecommender(K=neighbours, num_threads=threads)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # implicit's note on conversions and threads
            model.fit(matrix, show_progress=False)
        similarity = sparse.csr_matrix(model.similarity, dtype=np.float32)
        similarity.setdiag(0.0)
        similarity.eliminate_zeros()
        return cls(list(items), similarity, len(users), len(values))

    def __len__(self) -> int:
        return len(self.items)

    def _summed(self, anchors: Sequence[str]) -> np.ndarray | None:
        cols = [self.column[a] for a in dict.fromkeys(anchors) if a in self.column]
        if not cols:
            return None
        return np.asarray(self.similarity[cols].sum(axis=0)).ravel()

    def scores(self, anchors: Sequence[str], candidates: Sequence[str]) -> np.ndarray:
        """sum over anchors a of sim(a, c), for each candidate c (0 for unknown products)."""
        summed = self._summed(anchors)
        if summed is None:
            return np.zeros(len(candidates))
        return np.array([summed[self.column[c]] if c in self.column else 0.0 for c in candidates])

    def neighbours(self, anchors: Sequence[str], n: int) -> list[tuple[str, float]]:
        """The n products most similar to the anchors together (anchors themselves left out)."""
        summed = self._summed(anchors)
        if summed is None or n <= 0:
            return []
        for a in anchors:
            if a in self.column:
                summed[self.column[a]] = 0.0
        positive = int(np.count_nonzero(summed > 0))
        n = min(n, positive)
        if n == 0:
            return []
        best = np.argpartition(-summed, n - 1)[:n]
        best = best[np.argsort(-summed[best], kind="stable")]
        return [(self.items[i], float(summed[i])) for i in best]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        sparse.save_npz(folder / _SIMILARITY, self.similarity)
        meta = {"items": self.items, "users": self.n_users, "events": self.n_events}
        (folder / _ITEMS).write_text(json.dumps(meta))

    @classmethod
    def load(cls, folder: Path) -> ItemKNN:
        meta = json.loads((folder / _ITEMS).read_text())
        similarity = sparse.load_npz(folder / _SIMILARITY).tocsr()
        return cls(meta["items"], similarity, int(meta["users"]), int(meta["events"]))
