"""Generated product copy, beside the catalogue record and never over it, in the session log's
store. A copy is stale (and ignored) once the product's record changes."""

from __future__ import annotations

import json
import time

from agent.copywriting.copywriter import Copy
from agent.log.sessions import SessionLog
from retrieval.text import record_hash
from retrieval.types import Product


class CopyStore:
    def __init__(self, log: SessionLog) -> None:
        self.db = log.db  # the log's store and migrations (002_product_copy)

    def put(self, product: Product, copy: Copy) -> None:
        with self.db.write() as db:
            db.execute(
                "INSERT INTO product_copy VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(product_id) "
                "DO UPDATE SET text = excluded.text, writer = excluded.writer, prompt_hash = "
                "excluded.prompt_hash, source_hash = excluded.source_hash, rejected_claims = "
                "excluded.rejected_claims, created_at = excluded.created_at",
                (
                    product.id,
                    copy.text,
                    copy.writer,
                    copy.prompt_hash,
                    record_hash(product),
                    json.dumps(list(copy.rejected_claims)),
                    time.time(),
                ),
            )

    def text(self, product_id: str, product: Product | None = None) -> str | None:
        row = self.db.fetchone(
            "SELECT text, source_hash FROM product_copy WHERE product_id = ?", (product_id,)
        )
        if row is None:
            return None
        if product is not None and row[1] != record_hash(product):
            return None
        return str(row[0])

    def all(self) -> dict[str, str]:
        rows = self.db.fetchall("SELECT product_id, text FROM product_copy")
        return {pid: text for pid, text in rows}
