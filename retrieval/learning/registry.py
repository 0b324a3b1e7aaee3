"""Versioned learned models under the data folder, and the atomic switch between them.

    <data_dir>/models/
        v0001/  manifest.json  fusion.json  collab/ (similarity.npz, items.json)
        v0002/  ...
        CURRENT            the name of the version in use ("v0002"); absent: none is

A version is written into a hidden temporary folder and renamed into place, so a reader never
sees half a model. Pointing CURRENT at it is one `os.replace` of a small file, atomic on every
platform Python supports. A searcher polls CURRENT (at most every `poll_seconds`), loads the new
version completely, then swaps one reference: searches in flight finish on the model they started
with, the next one uses the new model, and no restart is needed.

A model trained on too little data is written (for inspection) with `usable: false` and the reason,
and CURRENT is not moved to it.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import ConfigError
from retrieval.learning.collaborative import ItemKNN
from retrieval.learning.fusion import LinearFusion

POINTER = "CURRENT"
MANIFEST = "manifest.json"
FUSION = "fusion.json"
COLLAB = "collab"
DEMAND = "demand.json"


@dataclass(frozen=True)
class LearnedModel:
    """What one version holds: fusion weights, the collaborative model (or none) and the
    manifest (what it was trained on, whether it is usable and why not)."""

    version: str
    fusion: LinearFusion
    collaborative: ItemKNN | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    # Interest per product learned from interactions, added to the catalogue's counts in the
    # demand prior.
    demand: dict[str, float] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return bool(self.manifest.get("usable", False))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / FUSION).write_text(
            json.dumps({"weights": dict(self.fusion.weights), "source": self.fusion.source})
        )
        if self.collaborative is not None:
            self.collaborative.save(folder / COLLAB)
        (folder / DEMAND).write_text(json.dumps(self.demand))
        (folder / MANIFEST).write_text(json.dumps(self.manifest, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> LearnedModel:
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
            fusion = json.loads((folder / FUSION).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(
                f"the model folder {folder} is incomplete ({exc}); run `tailtalk learn` again"
            ) from exc
        collab = ItemKNN.load(folder / COLLAB) if (folder / COLLAB).is_dir() else None
        demand = json.loads((folder / DEMAND).read_text()) if (folder / DEMAND).is_file() else {}
        return cls(
            folder.name,
            LinearFusion(fusion["weights"], source=fusion.get("source", "learned")),
            collab,
            manifest,
            {str(k): float(v) for k, v in demand.items()},
        )


class ModelRegistry:
    def __init__(self, root: Path, poll_seconds: float = 5.0) -> None:
        self.root = root
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._loaded: LearnedModel | None = None
        self._seen: tuple[int, str] | None = None  # (mtime_ns, content) of CURRENT when read
        self._checked_at = -float("inf")

    # Writing --------------------------------------------------------------------------------

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _version_number(p.name))

    def publish(self, model_writer: Callable[[Path], LearnedModel], activate: bool = True) -> str:
        """Writes a new version with `model_writer(folder)` (which fills the folder and returns
        what it wrote) and, when `activate` and the model is usable, points CURRENT at it."""
        self.root.mkdir(parents=True, exist_ok=True)
        scratch = self.root / f".tmp-{uuid.uuid4().hex}"
        try:
            model = model_writer(scratch)
            while True:  # another learner may take the same number: take the next one
                numbers = [_version_number(v) for v in self.versions()]
                name = f"v{max(numbers, default=0) + 1:04d}"
                try:
                    os.rename(scratch, self.root / name)
                    break
                except OSError:
                    if not (self.root / name).exists():
                        raise
        finally:
            if scratch.exists():
                shutil.rmtree(scratch, ignore_errors=True)
        if activate and model.usable:
            self.activate(name)
        return name

    def activate(self, version: str) -> None:
        """Points CURRENT at an existing version (also how to roll back)."""
        folder = self.root / version
        if not (folder / MANIFEST).is_file():
            raise ConfigError(
                f"no model version '{version}' in {self.root}; versions: "
                f"{', '.join(self.versions()) or 'none'}"
            )
        tmp = self.root / f".{POINTER}.{uuid.uuid4().hex}"
        tmp.write_text(version + "\n")
        os.replace(tmp, self.root / POINTER)

    def current_version(self) -> str | None:
        try:
            return (self.root / POINTER).read_text().strip() or None
        except FileNotFoundError:
            return None

    # Reading --------------------------------------------------------------------------------

    def current(self) -> LearnedModel | None:
        """The model CURRENT points at, re-read when CURRENT changes (checked at most every
        poll_seconds); None when no usable model was published."""
        now = time.monotonic()
        if now - self._checked_at < self.poll_seconds:
            return self._loaded
        with self._lock:
            self._checked_at = now
            pointer = self.root / POINTER
            try:
                stamp = (pointer.stat().st_mtime_ns, pointer.read_text().strip())
            except FileNotFoundError:
                self._loaded, self._seen = None, None
                return None
            if stamp != self._seen:
                model = LearnedModel.load(self.root / stamp[1])
                self._loaded = model if model.usable else None
                self._seen = stamp
            return self._loaded


def _version_number(name: str) -> int:
    return int(name[1:]) if name.startswith("v") and name[1:].isdigit() else 0
