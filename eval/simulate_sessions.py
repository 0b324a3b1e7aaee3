"""Simulated benchmark sessions for a catalogue, in the format run_offline.py reads.

    python eval/simulate_sessions.py --catalog PATH [--catalog-format auto] [--per-band 200]
        [--seed 0] --out FILE.jsonl

Each session is one shopper turn from eval/simulator.py (a product type, up to two attributes,
sometimes a budget, never the title) whose target is the product it was made from; targets are
drawn equally from the head, torso and tail bands.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.simulator import simulate_requests
from retrieval.catalog import load_catalog
from retrieval.formats import FORMATS
from retrieval.popularity import PopularityBands, catalogue_counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--catalog-format", default="auto", choices=FORMATS)
    parser.add_argument(
        "--per-band", type=int, default=200, help="target products drawn from each band"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    args = parser.parse_args(argv)
    products = load_catalog(args.catalog, args.catalog_format).products
    bands = PopularityBands.from_counts(catalogue_counts(products))
    requests = simulate_requests(products, bands, args.per_band, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for r in requests:
            record = {
                "session_id": r.session_id,
                "turns": [{"role": "user", "content": r.text}],
                "targets": [r.target_id],
                "source": "simulated",
                "target_band": r.target_band.value,
            }
            out.write(json.dumps(record) + "\n")
    print(f"wrote {len(requests)} simulated sessions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
