from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog, write_rejections
from retrieval.errors import CatalogError, RowError
from tests.conftest import shared_file

CSV_HEADER = "sku,name,cost,brand,category_path,features,attr:Scent,average_rating,rating_count\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_column_mapping(tmp_path):
    path = write(
        tmp_path,
        "shop.csv",
        CSV_HEADER
        + "A1,Rose Face Oil,12.5,Okaso,Beauty > Skin Care,light|fast absorbing,Rose,4.5,10\n"
        + "A2,Plain Soap,,,Beauty,,,,0\n",
    )
    catalog = load_catalog(path, "auto", {"id": "sku", "title": "name", "price": "cost"})
    assert catalog.format == "csv"
    first, second = catalog.products
    assert first.id == "A1"
    assert first.title == "Rose Face Oil"
    assert first.price == 12.5
    assert first.currency == "USD"
    assert first.category_path == ("Beauty", "Skin Care")
    assert first.features == ("light", "fast absorbing")
    assert first.attributes == {"Scent": "Rose"}
    assert first.rating_count == 10
    assert second.price is None and second.currency is None
    assert second.brand is None and second.average_rating is None


def test_malformed_csv_price_names_file_line_and_field(tmp_path):
    path = write(
        tmp_path,
        "shop.csv",
        CSV_HEADER
        + "A1,Rose Face Oil,12.5,Okaso,Beauty,,,4.5,10\n"
        + "A2,Bad Price,twelve,Okaso,Beauty,,,4.5,10\n",
    )
    with pytest.raises(RowError) as caught:
        load_catalog(path, "csv", {"id": "sku", "title": "name", "price": "cost"})
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), 3, "price")
    assert f"{path}:3: field 'price'" in str(error)
    assert "'twelve'" in str(error)


def test_skip_mode_collects_rejections_and_duplicates(tmp_path):
    lines = [
        {"id": "p1", "title": "Good one", "price": 3},
        {"id": "p2", "title": "", "price": 3},  # empty title
        "{not json",
        {"id": "p3", "title": "Negative", "price": -1},
        {"id": "p1", "title": "Duplicate of p1"},
        {"id": "p4", "title": "Rating too high", "average_rating": 7},
        {"id": "p5", "title": "Fine too", "attributes": {"Color": "Red"}},
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path = write(tmp_path, "items.jsonl", text + "\n")
    catalog = load_catalog(path, "jsonl", on_error="skip")
    assert [p.id for p in catalog.products] == ["p1", "p5"]
    assert [(r.line, r.field) for r in catalog.rejected] == [
        (2, "title"),
        (3, "<json>"),
        (4, "price"),
        (5, "id"),
        (6, "average_rating"),
    ]
    assert catalog.duplicate_ids == ["p1"]
    assert "first seen at line 1" in catalog.rejected[3].reason

    report = tmp_path / "out" / "rejected.jsonl"
    write_rejections(catalog.rejected, report)
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(records) == 5
    assert records[2]["row"]["id"] == "p3"
    assert records[2]["field"] == "price"


def test_fail_mode_stops_at_first_bad_row(tmp_path):
    path = write(tmp_path, "items.jsonl", '{"id": "p1", "title": "ok"}\n{"id": "p2"}\n')
    with pytest.raises(RowError, match=r"items.jsonl:2: field 'title'"):
        load_catalog(path, "jsonl")


def test_ragged_csv_row(tmp_path):
    path = write(tmp_path, "x.csv", "id,title\n1,One\n2,Two,extra\n")
    with pytest.raises(RowError, match=r"x.csv:3: field '<row>': more cells"):
        load_catalog(path)


def test_parquet_with_lists_and_numeric_ids(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": [101, 102],
            "title": ["Lamp", "Bulb"],
            "price": [19.99, None],
            "category_path": [["Home", "Lighting"], ["Home"]],
            "attributes": [{"Style": "Modern"}, {"Style": "Classic"}],
        }
    )
    path = tmp_path / "cat.parquet"
    pq.write_table(table, path)
    catalog = load_catalog(path)
    assert [p.id for p in catalog.products] == ["101", "102"]
    assert catalog.products[0].category_path == ("Home", "Lighting")
    assert catalog.products[0].attributes == {"Style": "Modern"}
    assert catalog.products[1].price is None


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog(tmp_path / "nope.csv")
    path = write(tmp_path, "cat.txt", "x")
    with pytest.raises(CatalogError, match="pass --format"):
        load_catalog(path)


def test_amazon_2023_beauty_catalogue():
    path = shared_file("amazon_beauty/meta_All_Beauty.jsonl")
    catalog = load_catalog(path)
    assert catalog.format == "amazon2023"
    assert len(catalog.products) == 4986
    assert not catalog.rejected
    by_id = {p.id: p for p in catalog.products}
    wax = by_id["B071G4NNH7"]
    assert wax.price == 50.0
    assert wax.brand == "Sharonelle"
    assert wax.attributes["Skin Type"] == "Sensitive"
    assert wax.rating_count == 1
    assert wax.category_path == ("All Beauty",)
    assert sum(p.price is not None for p in catalog.products) == 736


def test_amazon_row_with_bad_rating(tmp_path):
    row = {"parent_asin": "B1", "title": "x", "average_rating": "great", "rating_number": 3}
    path = write(tmp_path, "meta_Test.jsonl", json.dumps(row) + "\n")
    with pytest.raises(RowError, match=r"meta_Test.jsonl:1: field 'average_rating'"):
        load_catalog(path)


def test_redial_id2info():
    catalog = load_catalog(shared_file("redial/id2info.json"))
    assert catalog.format == "redial"
    assert len(catalog.products) == 6583
    movie = next(p for p in catalog.products if p.id == "100030")
    assert movie.title == "Friends with Benefits (2011)"
    assert movie.attributes["Genre"] == "Comedy, Romance"
    assert movie.attributes["Year"] == "2011"
    assert movie.category_path == ("Movies",)
    assert movie.price is None
