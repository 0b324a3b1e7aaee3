"""The `tailtalk` command line: ingest catalogues and search them.

Reads the settings once here and passes them down. Every TailTalkError becomes one `error:` line on
stderr and exit status 2; nothing else is caught.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from agent.render import format_price
from agent.settings import Settings
from retrieval.errors import CatalogError, TailTalkError
from retrieval.formats import FORMATS
from retrieval.types import ProductHit, SearchFilters

if TYPE_CHECKING:
    from retrieval.embedder import Embedder
    from retrieval.pipeline import TailSearch
    from retrieval.store import ChromaStore

DEMO_FILE = "demo_catalog.jsonl"


def main(argv: Sequence[str] | None = None) -> int:
    # No model hub is reachable where TailTalk runs; never let a library try.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: invalid TAILTALK_ setting:\n{exc}", file=sys.stderr)
        return 2
    try:
        return int(args.run(args, settings))
    except TailTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tailtalk", description="TailTalk shopping agent")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index a catalogue file")
    ingest.add_argument("path", type=Path)
    ingest.add_argument("--format", default="auto", choices=FORMATS)
    ingest.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read a product field from a differently named column (csv, jsonl, parquet)",
    )
    ingest.add_argument("--on-error", default="fail", choices=("fail", "skip"))
    ingest.add_argument(
        "--encoding",
        help="the file's text encoding (default: detected; e.g. utf-8, cp1252, latin-1, utf-16)",
    )
    ingest.add_argument(
        "--report", type=Path, help="where skipped rows are written (default: next to the data)"
    )
    ingest.add_argument(
        "--replace",
        "--prune",
        dest="replace",
        action="store_true",
        help="switch to this catalogue: products the file does not have leave the index "
        "(after the new ones are written)",
    )
    ingest.set_defaults(run=_run_ingest)

    snapshot = commands.add_parser(
        "snapshot", help="rebuild the search snapshot from the product store (Chroma)"
    )
    snapshot.set_defaults(run=_run_snapshot)

    demo = commands.add_parser("demo", help="write the demo catalogue and index it")
    demo.set_defaults(run=_run_demo)

    enrich = commands.add_parser(
        "enrich", help="write product copy for long-tail products whose own text is thin"
    )
    enrich.add_argument("--limit", type=int, help="at most this many products")
    enrich.add_argument("--all-bands", action="store_true", help="not only long-tail products")
    enrich.add_argument("--force", action="store_true", help="rewrite copy that already exists")
    enrich.add_argument(
        "--index",
        action="store_true",
        help="also index the copy as extra retrieval text (kept on later ingests)",
    )
    enrich.set_defaults(run=_run_enrich)

    search = commands.add_parser("search", help="search the index (no query: interactive)")
    search.add_argument("query", nargs="?")
    search.add_argument("-k", type=int, default=10)
    search.add_argument("--min-price", type=float)
    search.add_argument("--max-price", type=float)
    search.add_argument("--category", action="append", default=[])
    search.add_argument("--brand", action="append", default=[])
    search.add_argument("--exclude-brand", action="append", default=[])
    search.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE")
    search.add_argument("--exclude-attr", action="append", default=[], metavar="KEY=VALUE")
    search.add_argument("--min-rating", type=float)
    search.add_argument("--exclude-id", action="append", default=[])
    search.add_argument(
        "--like", action="append", default=[], metavar="ID", help="results like this product"
    )
    search.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per hit (id, title, score and its signals); interactive: one "
        "query per stdin line",
    )
    search.set_defaults(run=_run_search)

    from ui import cli_learn
    from ui.cli_agent import add_commands

    add_commands(commands, ensure_index)
    cli_learn.add_commands(commands)
    return parser


def _pairs(items: Sequence[str], flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CatalogError(f"{flag} takes KEY=VALUE, got '{item}'")
        out[key.strip()] = value.strip()
    return out


def _grouped(items: Sequence[str], flag: str) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, tuple[str, ...]] = {}
    for item in items:
        ((key, value),) = _pairs([item], flag).items()
        grouped[key] = (*grouped.get(key, ()), value)
    return grouped


def _open_store(settings: Settings) -> tuple[ChromaStore, Embedder]:
    # Heavy imports (torch, chromadb) only for the commands that need them.
    from retrieval.factory import config_embedder, open_store

    embedder = config_embedder(settings)
    return open_store(settings, embedder), embedder


def _run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from retrieval.catalog import load_catalog, write_rejections
    from retrieval.factory import snapshot_folder
    from retrieval.ingest import update_index

    mapping = _pairs(args.map, "--map")
    catalog = load_catalog(
        args.path, args.format, mapping, args.on_error, args.encoding, settings.catalog
    )
    print(
        f"read {len(catalog.products)} products from {args.path} "
        f"({catalog.format}, {catalog.encoding})"
    )
    if catalog.duplicate_ids:
        shown = ", ".join(catalog.duplicate_ids[:5])
        print(f"{len(catalog.duplicate_ids)} duplicate ids (first kept): {shown}")
    if catalog.rejected or catalog.dropped:
        report = args.report or settings.data_dir / f"{args.path.stem}.rejected.jsonl"
        write_rejections(catalog.rejected, report, catalog.dropped)
        if catalog.rejected:
            print(f"skipped {len(catalog.rejected)} malformed rows; reasons in {report}")
        if catalog.dropped:
            print(f"left out {len(catalog.dropped)} urls that are not http(s); listed in {report}")
    store, embedder = _open_store(settings)
    extra = _indexed_copy(store, settings)
    with tqdm(total=len(catalog.products), unit="product", desc="ingest") as bar:
        result, version = update_index(
            catalog.products,
            store,
            embedder,
            snapshot_folder(settings),
            batch_size=settings.retrieval.upsert_batch,
            replace=args.replace,
            on_progress=bar.update,
            extra_text=extra,
            ivf_min_rows=settings.retrieval.ivf_min_rows,
        )
    print(result.summary())
    print(f"index now holds {store.count()} products")
    _say_published(version, settings)
    return 0


def _say_published(version: str | None, settings: Settings) -> None:
    if version is None:
        print("the store changed while the search snapshot was built; run `tailtalk snapshot`")
        return
    print(
        f"search snapshot {version} published: running servers switch to it within "
        f"{settings.retrieval.refresh_seconds:g} s"
    )


def _run_snapshot(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from retrieval.factory import snapshot_folder
    from retrieval.snapshot_build import build_snapshot

    store, _ = _open_store(settings)
    with (
        snapshot_folder(settings).ingest_lock(),
        tqdm(total=store.count(), unit="product", desc="snapshot") as bar,
    ):
        version = build_snapshot(
            store, snapshot_folder(settings), settings.retrieval.ivf_min_rows, bar.update
        )
    _say_published(version, settings)
    return 0


def _indexed_copy(store: ChromaStore, settings: Settings) -> dict[str, str]:
    """Generated copy to index with the products, once `tailtalk enrich --index` asked for it."""
    if not store.indexes_copy():
        return {}
    from agent.factory import open_log
    from agent.log import CopyStore

    return CopyStore(open_log(settings)).all()


def _run_enrich(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from agent.copywriting import (
        Copywriter,
        LLMCopywriter,
        TemplateCopywriter,
        enrich,
        thin_products,
    )
    from agent.factory import open_log
    from agent.log import CopyStore
    from agent.reading.vocabulary import Vocabulary
    from retrieval.factory import open_retriever, snapshot_folder
    from retrieval.ingest import update_index
    from retrieval.popularity import PopularityBands, catalogue_counts, combined_counts

    store, embedder = _open_store(settings)
    products = list(open_retriever(settings, embedder).index.products)
    log = open_log(settings)
    counts = combined_counts(catalogue_counts(products), log.interaction_counts())
    bands = PopularityBands.from_counts(
        counts, settings.rerank.head_share, settings.rerank.torso_share
    )
    targets = thin_products(products, bands, args.all_bands)[: args.limit]
    writer: Copywriter = TemplateCopywriter()
    if settings.llm.base_url and settings.llm.write_copy:
        from agent.models.openai import OpenAIChatModel

        vocabulary = Vocabulary.from_products(products)
        writer = LLMCopywriter(OpenAIChatModel(settings.llm), lambda: vocabulary)
    copies = CopyStore(log)
    print(f"writing copy with the {writer.name} writer for {len(targets)} products")
    with tqdm(total=len(targets), unit="product", desc="enrich") as bar:
        report = enrich(targets, writer, copies, args.force, bar.update)
    print(report.summary())
    if args.index:
        store.set_indexes_copy(True)
        with tqdm(total=len(products), unit="product", desc="index copy") as bar:
            result, version = update_index(
                products,
                store,
                embedder,
                snapshot_folder(settings),
                settings.retrieval.upsert_batch,
                on_progress=bar.update,
                extra_text=copies.all(),
                ivf_min_rows=settings.retrieval.ivf_min_rows,
            )
        print(f"indexed the copy: {result.summary()}")
        _say_published(version, settings)
    return 0


def _run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval.demo import write_demo_catalog

    path = write_demo_catalog(settings.data_dir / DEMO_FILE)
    print(f"wrote the demo catalogue to {path}")
    return _run_ingest(
        argparse.Namespace(
            path=path,
            format="jsonl",
            map=[],
            on_error="fail",
            report=None,
            replace=False,
            encoding=None,
        ),
        settings,
    )


def ensure_index(settings: Settings) -> None:
    """A fresh data folder gets the demo catalogue first, so the first run needs nothing else.
    A data folder whose index vanished is an error that says what to run (never a silent demo);
    a missing snapshot of a complete store is rebuilt from it."""
    from retrieval.factory import IndexState, check_index

    if check_index(settings) is IndexState.FRESH:
        print("a new data folder: indexing the demo catalogue first")
        _run_demo(argparse.Namespace(), settings)


def _run_search(args: argparse.Namespace, settings: Settings) -> int:
    from ui.cli_learn import fused_search

    filters = SearchFilters(
        min_price=args.min_price,
        max_price=args.max_price,
        categories=tuple(args.category),
        brands=tuple(args.brand),
        exclude_brands=tuple(args.exclude_brand),
        attributes=_grouped(args.attr, "--attr"),
        exclude_attributes=_grouped(args.exclude_attr, "--exclude-attr"),
        min_rating=args.min_rating,
        exclude_ids=frozenset(args.exclude_id),
    )
    search = fused_search(settings)
    if args.json:
        return _search_json(args, search, filters)

    def table(query: str) -> str:
        ranked = search.search(query, filters, args.k, record=False, like=args.like)
        return format_table(
            [
                ProductHit(product=r.candidate.product, score=r.candidate.score, rank=r.rank)
                for r in ranked
            ]
        )

    if args.query:
        print(table(args.query))
        return 0
    print(
        f"{len(search.retriever.index)} products indexed. Type a search, or an empty line to quit."
    )
    while True:
        try:
            query = input("search> ").strip()
        except EOFError:
            break
        if not query:
            break
        try:
            print(table(query))
        except TailTalkError as exc:
            print(f"error: {exc}")
    return 0


def _search_json(args: argparse.Namespace, search: TailSearch, filters: SearchFilters) -> int:
    """JSON lines, for scripts: the query's hits, or, without a query, one query per stdin
    line (no prompt; a query that fails prints {"error": ...} and the next line is read)."""
    from ui.cli_learn import print_lines, search_json

    if args.query:
        print_lines(search_json(search, args.query, filters, args.k, args.like))
        return 0
    for line in sys.stdin:
        query = line.strip()
        if not query:
            continue
        try:
            print_lines(search_json(search, query, filters, args.k, args.like))
        except TailTalkError as exc:
            print(json.dumps({"query": query, "error": str(exc)}), flush=True)
    return 0


def format_table(hits: Sequence[ProductHit]) -> str:
    if not hits:
        return "no products match"
    rows = [("id", "title", "price", "category", "ratings", "score")]
    for hit in hits:
        p = hit.product
        title = p.title if len(p.title) <= 48 else p.title[:47] + "…"
        rows.append(
            (
                p.id,
                title,
                format_price(p.price, p.currency),
                p.category or "-",
                str(p.rating_count),
                f"{hit.score:.3f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {2, 4, 5}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
