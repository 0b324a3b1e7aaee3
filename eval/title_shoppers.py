"""A second kind of simulated shopper, drawn differently from eval/simulator.py, to check that a
result tuned on one kind of shopper holds on another.

- Targets: half drawn in proportion to real demand (the catalogue's rating count, so bestsellers
  are asked for as often as real shoppers buy them), half evenly from the head and the tail.
- Requests: words a shopper copies or remembers from the product page: 3 to 6 consecutive words
  of the title (its first words, usually the brand, skipped half of the time), sometimes a few
  words of one of its feature bullets, with a typo (a dropped, doubled or swapped letter) in one
  word of every third request. No filters.

    python eval/title_shoppers.py --catalog meta_All_Beauty.jsonl --n 600 --seed 7 --out FILE
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.catalog import load_catalog
from retrieval.formats import FORMATS
from retrieval.popularity import Band, PopularityBands, catalogue_counts
from retrieval.types import Product

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&-]*")
_TEMPLATES = ("{q}", "looking for {q}", "do you have {q}", "{q} please", "i want {q}")


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def request(product: Product, rng: random.Random) -> str | None:
    words = _WORD.findall(product.title)
    if len(words) < 3:
        return None
    start = rng.randrange(1, max(2, len(words) - 2)) if rng.random() < 0.5 else 0
    length = rng.randint(3, 6)
    picked = words[start : start + length]
    if product.features and rng.random() < 0.3:
        feature = _WORD.findall(rng.choice(product.features))[:4]
        picked += feature
    if rng.random() < 1 / 3:
        j = rng.randrange(len(picked))
        picked[j] = typo(picked[j], rng)
    return rng.choice(_TEMPLATES).format(q=" ".join(picked).casefold())


def draw(products: Sequence[Product], bands: PopularityBands, n: int, seed: int) -> list[Product]:
    rng = random.Random(seed)
    usable = [p for p in products if len(_WORD.findall(p.title)) >= 3]
    weights = [float(p.rating_count) for p in usable]
    by_demand = rng.choices(usable, weights=weights, k=n // 2)
    head = [p for p in usable if bands.band(p.id) is Band.HEAD]
    tail = [p for p in usable if bands.band(p.id) is Band.TAIL]
    rest = n - len(by_demand)
    return by_demand + rng.sample(head, rest // 2) + rng.sample(tail, rest - rest // 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--catalog-format", default="auto", choices=FORMATS)
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    products = load_catalog(args.catalog, args.catalog_format).products
    bands = PopularityBands.from_counts(catalogue_counts(products))
    rng = random.Random(args.seed + 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with args.out.open("w", encoding="utf-8") as out:
        for number, product in enumerate(draw(products, bands, args.n, args.seed)):
            text = request(product, rng)
            if text is None:
                continue
            record = {
                "session_id": f"title-{number:05d}",
                "turns": [{"role": "user", "content": text}],
                "targets": [product.id],
                "source": "title-shopper",
                "target_band": bands.band(product.id).value,
                "drawn": "demand" if number < args.n // 2 else "band",
            }
            out.write(json.dumps(record) + "\n")
            written += 1
    print(f"wrote {written} sessions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
