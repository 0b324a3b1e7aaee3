"""The conversation corpus, played through the agent and checked turn by turn.

    python eval/run_conversations.py [--catalog demo|beauty|all] [--only ID_PREFIX]
        [--lang en|zh|es] [--out DIR] [--data-dir DIR] [--corpus DIR] [--beauty PATH] [-k 5]
    python eval/run_conversations.py --check-corpus

Plays each case of tests/conversations/*.yaml statelessly through an agent with the rules backend
on its catalogue (the demo catalogue, or the Amazon beauty products), checks every expectation of
every turn against the catalogue records, and writes report.md, results.json and pass_rates.png
under --out. The index of each catalogue is kept under --data-dir/<catalog> and re-used.
It is a measurement: it exits 0 whatever the pass rate; 2 when the corpus or the command is wrong.

--check-corpus plays nothing: it proves every card expectation can be met by some product of the
catalogue (and every `catalog_has_none` by none), and exits 1 when one cannot.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from agent.settings import Settings
from eval.conversation_records import catalogue_index, corpus_problems
from eval.conversations import (
    CATALOGS,
    LANGUAGES,
    Case,
    CorpusError,
    load_corpus,
    select,
)
from retrieval.catalog import load_catalog
from retrieval.demo import demo_products, write_demo_catalog
from retrieval.errors import TailTalkError
from retrieval.types import Product

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "conversations"
BEAUTY = ROOT.parent / "shared" / "data" / "amazon_beauty" / "meta_All_Beauty.jsonl"
OUT = ROOT / "benchmarks" / "results" / "conversations"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        cases = select(load_corpus(args.corpus), args.catalog, args.only, args.lang)
        if not cases:
            raise CorpusError("no case matches --catalog, --only and --lang; loosen them")
        catalogues = load_catalogues(sorted({c.catalog for c in cases}), args.beauty)
        if args.check_corpus:
            return check_corpus(cases, catalogues)
        command = "python eval/run_conversations.py " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        play_all(args, cases, catalogues, command.strip())
    except TailTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def load_catalogues(names: Sequence[str], beauty: Path) -> dict[str, list[Product]]:
    out: dict[str, list[Product]] = {}
    for name in names:
        if name == "demo":
            out[name] = demo_products()
        elif not beauty.is_file():
            raise CorpusError(
                f"the beauty catalogue {beauty} is not here; pass --beauty PATH to "
                "meta_All_Beauty.jsonl or run with --catalog demo"
            )
        else:
            out[name] = load_catalog(beauty, "amazon2023").products
    return out


def check_corpus(cases: Sequence[Case], catalogues: dict[str, list[Product]]) -> int:
    problems = corpus_problems(cases, catalogues)
    counts = Counter((c.category, c.language) for c in cases)
    themes = sorted({theme for theme, _ in counts})
    print(f"{len(cases)} cases, {sum(len(c.turns) for c in cases)} turns")
    print("theme".ljust(15) + "".join(lang.rjust(5) for lang in LANGUAGES))
    for theme in themes:
        print(theme.ljust(15) + "".join(str(counts[theme, lang]).rjust(5) for lang in LANGUAGES))
    by_catalog = Counter(c.catalog for c in cases)
    print(", ".join(f"{name}: {by_catalog[name]}" for name in CATALOGS))
    for problem in problems:
        print(f"impossible: {problem}")
    print(
        f"{len(problems)} impossible expectations" if problems else "every expectation can be met"
    )
    return 1 if problems else 0


def play_all(
    args: argparse.Namespace,
    cases: Sequence[Case],
    catalogues: dict[str, list[Product]],
    command: str,
) -> None:
    from eval.conversation_baseline import baseline_agents
    from eval.conversation_play import Answerer, accepts_structured, case_agents, play
    from eval.conversation_report import write_report
    from eval.harness import Harness

    base = Settings()
    results = []
    sent_back = "markdown"
    for name, products in catalogues.items():
        folder = args.data_dir / name
        if name == "demo":
            path, fmt = write_demo_catalog(folder / "demo.jsonl"), "jsonl"
        else:
            path, fmt = args.beauty, "amazon2023"
        settings = base.model_copy(update={"data_dir": folder})
        harness = Harness.open(settings, path, fmt, {}, args.k, "rules")
        if args.baseline:
            agents: Callable[[], AbstractContextManager[Answerer]] = baseline_agents(harness)
            structured = True  # it reads only the shoppers' words
        else:
            agents = case_agents(harness)
            with agents() as probe:
                structured = accepts_structured(probe)
        if structured:
            sent_back = "markdown plus the structured reply (a `tailtalk` key)"
        mine = [c for c in cases if c.catalog == name]
        results += play(mine, agents, catalogue_index(products), structured, desc=name)
    run = {
        "command": command,
        "catalogs": list(catalogues),
        "backend": "baseline: plain search of the shopper's words" if args.baseline else "rules",
        "policy": base.rerank.policy,
        "k": args.k,
        "sent_back": sent_back,
    }
    summary = write_report(args.out, results, run)
    print(
        f"{summary['passed']}/{summary['cases']} conversations pass "
        f"({summary['pass_rate']:.1%}); report in {args.out / 'report.md'}"
    )
    for group in ("by_theme", "by_language", "by_catalog"):
        print(
            "  " + ", ".join(f"{k} {v['passed']}/{v['cases']}" for k, v in summary[group].items())
        )
    if summary["missing_fields"]:
        print(
            f"the replies have no {', '.join(summary['missing_fields'])}; setting those checks "
            f"aside {summary['passed_present']}/{summary['cases']} pass "
            f"({summary['present_rate']:.1%})"
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Play the conversation corpus through the agent and check every turn."
    )
    parser.add_argument("--catalog", choices=(*CATALOGS, "all"), default="all")
    parser.add_argument("--only", metavar="ID_PREFIX", help="only cases whose id starts so")
    parser.add_argument("--lang", choices=LANGUAGES, help="only cases in this language")
    parser.add_argument("--out", type=Path, default=OUT, help="where the report goes")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data") / "conversations",
        help="indexes are kept in DIR/<catalog> and re-used",
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of *.yaml cases")
    parser.add_argument("--beauty", type=Path, default=BEAUTY, help="meta_All_Beauty.jsonl")
    parser.add_argument("-k", type=int, default=5, help="products per answer")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="play the cases with the plain-search baseline instead of the agent",
    )
    parser.add_argument(
        "--check-corpus",
        action="store_true",
        help="prove every expectation can be met on its catalogue; play nothing",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
