"""The memory-mapped snapshot against an exact reference computed here from what Chroma stores,
and switching snapshots under a burst of searches."""

from __future__ import annotations

import threading

import bm25s
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.dense import DenseIndex
from retrieval.lexical import _stem, query_words
from retrieval.search import LEXICAL_SCALE
from retrieval.snapshot_writer import SnapshotWriter
from retrieval.text import RECIPE
from retrieval.types import SearchFilters
from retrieval.versions import SnapshotFolder
from tests.conftest import index_products, retriever_on

QUERIES = [
    "fragrance-free moisturizer for sensitive skin",
    "cast iron skillet",
    "decaf coffee beans",
    "waterproof hiking backpack",
    "dog harness",
    "yoga mat",
    "a gift",
]


class Reference:
    """Exact search over Chroma's own rows: SearchFilters.admits, cosine over every allowed
    vector, bm25s over every text, the hybrid formula of retrieval/search.py."""

    def __init__(self, store) -> None:
        rows, chunks = [], []
        for page, vectors in store.rows_with_vectors():
            rows.extend(page)
            chunks.append(vectors)
        self.products = [r.product for r in rows]
        self.vectors = np.concatenate(chunks)
        self.bm25 = bm25s.BM25()
        texts = [r.text for r in rows]
        self.bm25.index(bm25s.tokenize(texts, stopwords="en", stemmer=_stem, show_progress=False))

    def search(self, vector, text, filters, k, weight):
        allowed = np.array([filters.admits(p) for p in self.products])
        cosine = self.vectors @ vector
        words = query_words(text)
        lexical = self.bm25.get_scores(words) if words else np.zeros(len(self.products))
        rows = set(_top(np.where(allowed, cosine, -np.inf), k, allowed))
        if weight > 0:
            rows |= set(_top(np.where(allowed, lexical, 0.0), k, allowed & (lexical > 0)))
        best = lexical.max() if len(lexical) else 0.0
        fused = {
            r: (1 - weight) * cosine[r]
            + (weight * LEXICAL_SCALE * lexical[r] / best if best else 0)
            for r in rows
        }
        ranked = sorted(fused, key=lambda r: -fused[r])[:k]
        return [(self.products[r].id, float(fused[r])) for r in ranked]


def _top(scores, k, allowed):
    candidates = np.flatnonzero(allowed)
    return candidates[np.argsort(-scores[candidates], kind="stable")[:k]].tolist()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, embedder, demo_products):
    store, folder = index_products(tmp_path_factory.mktemp("snap"), embedder, demo_products)
    return Reference(store), folder


def same_hits(got, want, wider):
    """Equal scores rank for rank; equal ids wherever a score is not tied with another (`wider`:
    the reference's hits for a larger k, since a product just past k may tie with the last)."""
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-4, abs=1e-5)
    scores = [s for _, s in want] + [s for _, s in wider]
    for i, (pid, score) in enumerate(want):
        tied = any(abs(score - other) < 1e-4 for j, other in enumerate(scores) if j != i)
        if not tied:
            assert got[i][0] == pid


def filters_from(data, products):
    categories = sorted({c for p in products for c in p.category_path})
    brands = sorted({p.brand for p in products if p.brand})
    pairs = sorted({(k, v) for p in products for k, v in p.attributes.items()})
    prices = sorted({p.price for p in products if p.price is not None})
    price = st.none() | st.sampled_from(prices) | st.floats(0, 250, allow_nan=False)
    low, high = data.draw(price), data.draw(price)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return SearchFilters(
        min_price=low,
        max_price=high,
        categories=tuple(data.draw(st.lists(st.sampled_from(categories), max_size=2))),
        brands=tuple(data.draw(st.lists(st.sampled_from(brands), max_size=3))),
        exclude_brands=tuple(data.draw(st.lists(st.sampled_from(brands), max_size=2))),
        attributes={k: (v,) for k, v in data.draw(st.lists(st.sampled_from(pairs), max_size=1))},
        exclude_attributes={
            k: (v,) for k, v in data.draw(st.lists(st.sampled_from(pairs), max_size=1))
        },
        min_rating=data.draw(st.none() | st.floats(0, 5)),
        exclude_ids=frozenset(
            data.draw(st.lists(st.sampled_from([p.id for p in products]), max_size=10))
        ),
    )


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_snapshot_search_gives_the_exact_reference_hits(indexed, embedder, data):
    reference, folder = indexed
    weight = data.draw(st.sampled_from([0.0, 0.5, 1.0]))
    retriever = retriever_on(folder, embedder, lexical_weight=weight)
    text = data.draw(st.sampled_from(QUERIES))
    vector = embedder.embed([text])[0]
    filters = filters_from(data, reference.products)
    k = data.draw(st.integers(1, 60))
    hits = retriever.search_vector(vector, filters, k, text=text)
    got = [(h.product.id, h.score) for h in hits]
    wanted = reference.search(vector, text, filters, k, weight)
    assert len(got) == len(wanted)
    same_hits(got, wanted, reference.search(vector, text, filters, k + 20, weight))
    row_of = {p.id: row for row, p in enumerate(reference.products)}
    for hit in hits:
        row = row_of[hit.product.id]
        assert hit.product == reference.products[row]  # the record survives the round trip
        assert hit.signals["dense"] == pytest.approx(
            float(reference.vectors[row] @ vector), abs=1e-5
        )


def test_probing_every_inverted_list_is_exact_and_probing_few_finds_most(indexed, embedder):
    _, folder = indexed
    snapshot = folder.open_current()
    vectors = snapshot.vectors
    lists = 24
    from retrieval.dense import assign, train_centroids

    centroids = train_centroids(vectors, lists)
    nearest = assign(vectors, centroids)
    order = np.argsort(nearest, kind="stable")
    clustered = np.ascontiguousarray(vectors[order])
    ptr = np.concatenate([[0], np.cumsum(np.bincount(nearest, minlength=lists))])
    every = DenseIndex(clustered, centroids, ptr, probe_lists=lists, gather_max=0)
    few = DenseIndex(clustered, centroids, ptr, probe_lists=4, gather_max=0)
    exact = DenseIndex(clustered)
    mask = np.asarray(snapshot.price)[order] <= 40  # a filter the lists do not know about
    shares = []
    for text in QUERIES:
        q = embedder.embed([text])[0]
        for m in (None, mask):
            want_rows, want_scores = exact.top(q, m, 50)
            _, scores = every.top(q, m, 50)
            assert np.allclose(scores, want_scores, atol=1e-6)
            found, _ = few.top(q, m, 50)
            assert m is None or mask[found].all()
            shares.append(len(set(found.tolist()) & set(want_rows.tolist())) / 50)
    assert np.mean(shares) > 0.5  # 4 of 24 lists, 20 allowed rows seen per hit


def write_version(folder: SnapshotFolder, prefix: str, vectors, products) -> str:
    build = folder.new_build()
    writer = SnapshotWriter(build, vectors.shape[1], "model", RECIPE, prefix)
    writer.add(
        [f"{prefix}-{p.id}" for p in products],
        [p.model_copy(update={"id": f"{prefix}-{p.id}"}).model_dump_json() for p in products],
        [p.title for p in products],
        vectors,
    )
    writer.finish()
    return folder.publish(build)


def test_reloads_during_a_burst_of_searches_never_error_or_mix(
    tmp_path, indexed, embedder, demo_products
):
    _, source = indexed
    vectors = np.asarray(source.open_current().vectors)
    products = [source.open_current().products[i] for i in range(len(vectors))]
    folder = SnapshotFolder(tmp_path / "snapshots")
    write_version(folder, "v0", vectors, products)
    retriever = retriever_on(folder, embedder)  # refresh_seconds=0: checks before every search
    query = embedder.embed(["moisturizer"])[0]
    errors, seen = [], []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                hits = retriever.search_vector(
                    query, SearchFilters(max_price=50), 30, text="moisturizer"
                )
                seen.append({h.product.id.split("-")[0] for h in hits})
            except Exception as exc:  # the test's point: nothing may escape
                errors.append(repr(exc))

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    held = retriever.index
    for i in range(1, 7):
        write_version(folder, f"v{i}", vectors[: 300 + 40 * i], products[: 300 + 40 * i])
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert seen and all(len(prefixes) == 1 for prefixes in seen)
    assert retriever.index.version == folder.current_name()
    assert len(folder.versions()) == 3  # older versions removed
    # A searcher still holding a removed version reads it to the end.
    assert held.version not in folder.versions()
    assert len(retriever.search_vector(query, None, 5, index=held)) == 5


def test_a_damaged_new_version_is_skipped(tmp_path, indexed, embedder, caplog):
    _, source = indexed
    snapshot = source.open_current()
    vectors = np.asarray(snapshot.vectors[:50])
    products = [snapshot.products[i] for i in range(50)]
    folder = SnapshotFolder(tmp_path / "snapshots")
    first = write_version(folder, "a", vectors, products)
    retriever = retriever_on(folder, embedder)
    second = write_version(folder, "b", vectors, products)
    (folder.root / second / "price.npy").write_bytes(b"broken")
    assert retriever.index.version == first
    assert "keeping snapshot" in caplog.text
