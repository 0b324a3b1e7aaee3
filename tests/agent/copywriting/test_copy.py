"""Product copy: only facts from the record, checked, stored beside it; `tailtalk enrich`."""

from __future__ import annotations

import json

from agent.copywriting import (
    LLMCopywriter,
    TemplateCopywriter,
    enrich,
    is_thin,
    thin_products,
    unsupported_claims,
)
from agent.log import CopyStore, SessionLog
from agent.models.base import ModelOutput
from retrieval.popularity import Band, PopularityBands, catalogue_counts
from tests.fakes import ScriptedChatModel


def test_template_copy_states_only_record_facts(demo_products, vocab):
    writer = TemplateCopywriter()
    for product in demo_products:
        copy = writer.write(product)
        assert product.title in copy.text
        assert unsupported_claims(copy.text, product, vocab) == [], product.id


def test_the_checker_catches_invented_numbers_and_values(demo_products, vocab):
    product = next(p for p in demo_products if p.attributes.get("Fragrance") == "Fragrance-Free")
    invented = f"{product.title}. A lavender scent, 50 ml, loved by 10,000 shoppers."
    assert set(unsupported_claims(invented, product, vocab)) == {"Lavender", "50", "10,000"}


def test_llm_copy_is_kept_when_faithful_and_replaced_when_not(demo_products, vocab):
    product = demo_products[0]
    faithful = f"{product.title}: a gentle daily pick from {product.brand}."
    kept = LLMCopywriter(ScriptedChatModel([ModelOutput(text=faithful)], "m"), lambda: vocab)
    copy = kept.write(product)
    assert (copy.text, copy.writer, copy.rejected_claims) == (faithful, "m", ())
    assert copy.prompt_hash
    lying = ModelOutput(text=f"{product.title} with retinol, now 99% off!")
    replaced = LLMCopywriter(ScriptedChatModel([lying], "m"), lambda: vocab).write(product)
    assert replaced.text == TemplateCopywriter().write(product).text
    assert replaced.writer == "m+template" and set(replaced.rejected_claims) == {"Retinol", "99"}


def test_enrich_writes_once_for_thin_tail_products(demo_products, tmp_path):
    bands = PopularityBands.from_counts(catalogue_counts(demo_products))
    targets = thin_products(demo_products, bands)
    assert targets and all(is_thin(p) and bands.band(p.id) is Band.TAIL for p in targets)
    copies = CopyStore(SessionLog(tmp_path / "log.sqlite"))
    first = enrich(targets, TemplateCopywriter(), copies)
    assert (first.written, first.already) == (len(targets), 0)
    again = enrich(targets, TemplateCopywriter(), copies)
    assert (again.written, again.already) == (0, len(targets))
    assert enrich(targets[:3], TemplateCopywriter(), copies, force=True).written == 3


def test_enrich_command_indexes_copy_and_ingest_keeps_it(tmp_path, monkeypatch, capsys):
    from retrieval.demo import demo_products
    from ui.cli import main

    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "data"))
    catalog = tmp_path / "shop.jsonl"
    rows = [p.model_dump(mode="json") for p in demo_products()[:60]]
    catalog.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["ingest", str(catalog)]) == 0
    assert main(["enrich", "--limit", "5", "--index"]) == 0
    out = capsys.readouterr().out
    assert "5 copies written" in out and "indexed the copy: 60 products: 5 embedded" in out
    assert main(["ingest", str(catalog)]) == 0  # a later ingest keeps the copy in the index
    assert "0 embedded" in capsys.readouterr().out
