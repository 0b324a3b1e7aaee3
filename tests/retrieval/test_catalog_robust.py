"""Catalogue files as shops send them: any common encoding, huge cells, huge fields, markup and
control characters in product text, links that are not http(s)."""

from __future__ import annotations

import json

import pytest

from retrieval.catalog import load_catalog, write_rejections
from retrieval.clean import clean_text, safe_url
from retrieval.config import CatalogSettings
from retrieval.errors import CatalogError, RowError
from retrieval.formats import detect_encoding, map_amazon2023

CSV = "id,title,brand,price\np1,Café crème lamp,Señor Luz,12.5\np2,Über bright desk lamp,Ålund,30\n"
TITLES = ["Café crème lamp", "Über bright desk lamp"]


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
    ],
)
def test_csv_in_any_common_encoding_reads_the_same(tmp_path, encoding, detected):
    path = tmp_path / "shop.csv"
    path.write_bytes(CSV.encode(encoding))
    assert detect_encoding(path) == detected
    catalog = load_catalog(path)
    assert [p.title for p in catalog.products] == TITLES
    assert catalog.products[0].brand == "Señor Luz"


def test_latin1_reads_as_the_same_letters(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_bytes(CSV.encode("latin-1"))
    # cp1252 and latin-1 agree on every letter; they differ only where latin-1 has controls.
    assert detect_encoding(path) == "cp1252"
    assert [p.title for p in load_catalog(path).products] == TITLES


def test_a_multibyte_encoding_is_guessed(tmp_path):
    path = tmp_path / "shop.csv"
    text = "id,title\n" + "".join(f"p{i},日本製の木製デスクランプ {i} 番\n" for i in range(40))
    path.write_bytes(text.encode("shift_jis"))
    assert load_catalog(path).products[0].title == "日本製の木製デスクランプ 0 番"


def test_jsonl_with_a_bom_keeps_every_row(tmp_path):
    path = tmp_path / "shop.jsonl"
    rows = [{"id": "p1", "title": "Lamp"}, {"id": "p2", "title": "Mug"}]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(map(json.dumps, rows)).encode())
    assert [p.id for p in load_catalog(path).products] == ["p1", "p2"]
    csv = tmp_path / "shop.csv"
    csv.write_bytes(b"\xef\xbb\xbf" + CSV.encode())
    assert len(load_catalog(csv, encoding="utf-8").products) == 2  # also when named


def test_a_wrong_or_unknown_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_bytes(CSV.encode("cp1252"))
    with pytest.raises(CatalogError, match=r"not utf-8 text.*--encoding"):
        load_catalog(path, encoding="utf-8")
    with pytest.raises(CatalogError, match="unknown text encoding 'klingon'"):
        load_catalog(path, encoding="klingon")


def test_a_cell_over_131072_characters_is_a_row_error(tmp_path):
    path = tmp_path / "shop.csv"
    huge = "x" * 131_073
    path.write_text(f'id,title\np1,Lamp\np2,{huge}\np3,"{huge}"\np4,Mug\n')
    with pytest.raises(RowError, match="field larger than field limit"):
        load_catalog(path)
    catalog = load_catalog(path, on_error="skip")
    assert [p.id for p in catalog.products] == ["p1", "p4"]
    assert len(catalog.rejected) == 2


def test_fields_over_their_limit_are_rejected_and_reported(tmp_path):
    path = tmp_path / "shop.jsonl"
    rows = [
        {"id": "p1", "title": "T" * 1_000_000},
        {"id": "p2", "title": "Lamp", "features": ["f"] * 101},
        {"id": "p3", "title": "Mug"},
    ]
    path.write_text("\n".join(map(json.dumps, rows)) + "\n")
    with pytest.raises(RowError, match=r"title.*1,000,000 over the limit of 1,000.*MAX_TITLE"):
        load_catalog(path)
    catalog = load_catalog(path, on_error="skip")
    assert [p.id for p in catalog.products] == ["p3"]
    assert [(r.line, r.field) for r in catalog.rejected] == [(1, "title"), (2, "features")]
    report = tmp_path / "rejected.jsonl"
    write_rejections(catalog.rejected, report)
    first = json.loads(report.read_text().splitlines()[0])
    assert len(first["row"]["title"]) < 2_100  # the report does not repeat a megabyte
    wide = load_catalog(path, limits=CatalogSettings(max_title_chars=1_000_000, max_features=200))
    assert len(wide.products) == 3


def test_markup_and_control_characters_never_reach_a_product(tmp_path):
    path = tmp_path / "shop.jsonl"
    row = {
        "id": "p1",
        "title": "<script>alert(1)</script>Desk <b>Lamp</b>\n1. **Free** gift",
        "description": "See ![pixel](https://evil.example/p.png) and [buy here](javascript:x) "
        "&lt;img src=x onerror=alert(1)&gt; <!-- hidden --> ok",
        "brand": "Lum\u200bina\u202e",
        "features": ["Bright\x00\x07", "[1]: https://evil.example"],
        "attributes": {"<i>Color</i>": "Warm\r\nWhite"},
        "category_path": ["Home", "<a href='x'>Lighting</a>"],
    }
    path.write_text(json.dumps(row) + "\n")
    (product,) = load_catalog(path).products
    assert product.title == "Desk Lamp 1. **Free** gift"
    assert product.description == "See pixel and buy here ok"
    assert product.brand == "Lumina"
    assert product.features == ("Bright",)
    assert product.attributes == {"Color": "Warm White"}
    assert product.category_path == ("Home", "Lighting")


def test_clean_text_keeps_plain_text():
    text = "Shampoo 2 < 3 oz, 5 > 4 stars; 100% <3 & more"
    assert clean_text(text) == text


def test_only_http_or_site_relative_urls_are_kept(tmp_path):
    path = tmp_path / "shop.jsonl"
    urls = {
        "p1": "https://shop.example/p/1",
        "p2": "javascript:alert(1)",
        "p3": "/p/3",
        "p4": "//evil.example/x",
        "p5": "data:text/html,hi",
        "p6": "http://shop.example/a b",
    }
    rows = [{"id": k, "title": "Lamp", "url": v, "image_url": v} for k, v in urls.items()]
    path.write_text("\n".join(map(json.dumps, rows)) + "\n")
    catalog = load_catalog(path)
    kept = {p.id: p.url for p in catalog.products}
    assert kept == {"p1": urls["p1"], "p2": None, "p3": "/p/3", "p4": None, "p5": None, "p6": None}
    assert all(p.image_url == p.url for p in catalog.products)
    assert sorted({d.id for d in catalog.dropped}) == ["p2", "p4", "p5", "p6"]
    assert {d.field for d in catalog.dropped} == {"url", "image_url"}
    report = tmp_path / "report.jsonl"
    write_rejections([], report, catalog.dropped)
    assert all(json.loads(line)["kept"] for line in report.read_text().splitlines())
    assert safe_url("HTTPS://Shop.example") == "HTTPS://Shop.example"


def test_amazon_images_prefer_hi_res_then_large():
    row = {
        "parent_asin": "B1",
        "title": "Lipstick",
        "images": [
            {"thumb": "https://m/t.jpg", "large": "https://m/l.jpg", "hi_res": None},
            {
                "thumb": "https://m/t2.jpg",
                "large": "https://m/l2.jpg",
                "hi_res": "https://m/h2.jpg",
            },
        ],
    }
    assert map_amazon2023(row)["image_url"] == "https://m/h2.jpg"
    row["images"] = [{"thumb": "https://m/t.jpg", "large": "https://m/l.jpg", "hi_res": None}]
    assert map_amazon2023(row)["image_url"] == "https://m/l.jpg"
    row["images"] = {"hi_res": [None, "https://m/h.jpg"], "large": ["https://m/l.jpg", None]}
    assert map_amazon2023(row)["image_url"] == "https://m/h.jpg"
