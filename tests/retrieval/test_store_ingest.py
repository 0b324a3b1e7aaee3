from __future__ import annotations

import json

import pytest

from retrieval.catalog import load_catalog
from retrieval.errors import IndexMismatchError, RowError
from retrieval.ingest import ingest
from tests.conftest import CountingEmbedder, open_store


@pytest.fixture
def small(demo_products):
    return demo_products[:40]


def test_reingest_of_unchanged_catalogue_embeds_nothing(tmp_path, embedder, small):
    counting = CountingEmbedder(embedder)
    store = open_store(tmp_path, counting)
    first = ingest(small, store, counting, batch_size=16)
    assert (first.embedded, first.unchanged) == (40, 0)
    assert counting.texts == 40

    again = open_store(tmp_path, counting)  # as a new process would
    second = ingest(small, again, counting, batch_size=16)
    assert (second.embedded, second.updated, second.unchanged) == (0, 0, 40)
    assert counting.texts == 40
    assert again.count() == 40


def test_price_change_updates_without_embedding_and_title_change_reembeds(
    tmp_path, embedder, small
):
    counting = CountingEmbedder(embedder)
    store = open_store(tmp_path, counting)
    ingest(small, store, counting)
    changed = list(small)
    changed[0] = changed[0].model_copy(update={"price": 1.23})
    changed[1] = changed[1].model_copy(update={"title": "Completely New Title"})
    report = ingest(changed, store, counting)
    assert (report.embedded, report.updated, report.unchanged) == (1, 1, 38)
    assert counting.texts == 41
    assert store.get([small[0].id])[0].price == 1.23
    assert store.get([small[1].id])[0].title == "Completely New Title"


def test_interrupted_ingest_resumes(tmp_path, embedder, small):
    breaking = CountingEmbedder(embedder, fail_after=20)
    store = open_store(tmp_path, breaking)
    with pytest.raises(KeyboardInterrupt):
        ingest(small, store, breaking, batch_size=10)
    assert store.count() == 20  # the two finished batches were written

    counting = CountingEmbedder(embedder)
    report = ingest(small, open_store(tmp_path, counting), counting, batch_size=10)
    assert (report.embedded, report.unchanged) == (20, 20)
    assert counting.texts == 20


def test_other_model_or_recipe_is_refused(tmp_path, embedder, small):
    store = open_store(tmp_path, embedder)
    ingest(small[:3], store, embedder)
    with pytest.raises(IndexMismatchError, match=r"(?i)re-ingest"):
        open_store(tmp_path, embedder, model_id="someone/other-model")
    with pytest.raises(IndexMismatchError, match="tailtalk_recipe"):
        open_store(tmp_path, embedder, recipe="another-recipe/v9")
    assert open_store(tmp_path, embedder).count() == 3  # refusing changed nothing


def test_failed_ingest_loses_nothing(tmp_path, embedder, small):
    store = open_store(tmp_path, embedder)
    ingest(small, store, embedder)
    path = tmp_path / "update.jsonl"
    rows = [json.loads(p.model_dump_json()) for p in small[:5]]
    rows[3]["price"] = "free"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(RowError, match=r"update.jsonl:4: field 'price'"):
        load_catalog(path, "jsonl")
    assert open_store(tmp_path, embedder).count() == 40
    assert store.get([small[0].id]) == [small[0]]


def test_replace_removes_only_products_gone_from_the_file(tmp_path, embedder, small):
    store = open_store(tmp_path, embedder)
    ingest(small, store, embedder)
    kept = ingest(small[:30], store, embedder)
    assert kept.pruned == 0 and store.count() == 40
    pruned = ingest(small[:30], store, embedder, replace=True)
    assert pruned.pruned == 10 and store.count() == 30
