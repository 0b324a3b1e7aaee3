"""run_offline.py end to end: hand-computed metrics on a tiny shop, a malformed session line,
and a session-log export evaluated with off-policy estimates."""

from __future__ import annotations

import json

import pytest

from eval.run_offline import main

LAMPS = [
    ("L1", "Brightline Lamp", 50.0, 100),
    ("L2", "Halo Desk Lamp", 20.0, 50),
    ("L3", "Arc Floor Lamp", 25.0, 20),
    ("L4", "Mini Clip Lamp", 10.0, 10),
    ("L5", "Tall Tripod Lamp", 60.0, 5),
    ("L6", "Paper Lantern Lamp", 15.0, 2),
    ("L7", "Candle Lamp", 5.0, 0),
    ("L8", "Crystal Chandelier Lamp", 80.0, 0),
]


def lines(*records):
    return "\n".join(json.dumps(r) for r in records) + "\n"


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "data"))
    catalog = tmp_path / "lamps.jsonl"
    catalog.write_text(
        lines(
            *[
                {"id": i, "title": t, "price": p, "popularity": n, "category_path": ["Lamps"]}
                for i, t, p, n in LAMPS
            ]
        )
    )
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_text(
        lines(
            {
                "session_id": "s1",
                "turns": [{"role": "user", "content": "a desk lamp"}],
                "targets": ["L2"],
            },
            {
                "session_id": "s2",
                "turns": [{"role": "user", "content": "a floor lamp under $30"}],
                "targets": ["L4"],
            },
            {
                "session_id": "s3",
                "targets": ["L5"],
                "turns": [{"role": "user", "content": "something like the Brightline Lamp"}],
            },
        )
        + '{"session_id": "broken", "turns": \n'
    )
    return catalog, sessions, tmp_path / "out"


def run(sessions, catalog, out, *options: str) -> int:
    """`python eval/run_offline.py` with these files and options."""
    files = ["--sessions", str(sessions), "--catalog", str(catalog), "--out", str(out)]
    return main([*files, *options])


def test_hand_computed_metrics_and_a_malformed_line(tiny, capsys):
    catalog, sessions, out = tiny
    options = ("-k", "3", "--policy", "none", "--baselines", "popularity")
    code = run(sessions, catalog, out, *options)
    assert code == 1  # a session line failed
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_sessions"] == 3 and metrics["k"] == 3
    (failure,) = metrics["failures"]
    assert failure["where"] == f"{sessions}:4" and failure["error"].startswith("not JSON")
    pop = metrics["runs"]["popularity"]
    # Lists: s1 [L1 L2 L3] (target L2 at 2), s2 under $30 [L2 L3 L4] (L4 at 3),
    # s3 names L1, so [L2 L3 L4] (L5 missing).
    assert pop["recall@3"] == pytest.approx(2 / 3)
    assert pop["ndcg@3"] == pytest.approx((1 / 1.5849625 + 1 / 2 + 0) / 3, abs=1e-6)
    assert pop["mrr"] == pytest.approx((1 / 2 + 1 / 3) / 3)
    assert pop["hit@3"] == pytest.approx(2 / 3)
    assert pop["coverage@3"] == pytest.approx(4 / 8)
    # Shown counts [0 0 0 0 1 2 3 3]: Gini = (1*1 + 3*2 + 5*3 + 7*3) / (8 * 9).
    assert pop["gini"] == pytest.approx(43 / 72)
    assert pop["tail_share@3"] == 0.0
    assert pop["constraint_violation_rate"] == 0.0
    bands = {b: (v["recall@3"], v["n"]) for b, v in pop["by_band"].items()}
    assert bands == {"head": (1.0, 1), "torso": (1.0, 1), "tail": (0.0, 1)}
    agent = metrics["runs"]["none"]
    for key in (
        "recall@3",
        "ndcg@3",
        "mrr",
        "hit@3",
        "tail_share@3",
        "coverage@3",
        "gini",
        "novelty",
        "ild",
        "hallucination_rate",
        "constraint_violation_rate",
        "latency_p50_ms",
        "latency_p95_ms",
        "by_band",
    ):
        assert key in agent
    assert agent["constraint_violation_rate"] == 0.0 and agent["hallucination_rate"] == 0.0
    assert "deterministic" not in metrics["ope"]["refused"]  # no impressions at all here
    report = (out / "report.md").read_text()
    assert "| popularity | 0.667 |" in report and f"{sessions}:4" in report
    assert (out / "quality_vs_tail.png").stat().st_size > 5000
    assert (out / "recall_by_band.png").stat().st_size > 5000
    # The same run again re-uses the index and gives the same numbers.
    assert run(sessions, catalog, out, *options) == 1
    again = json.loads((out / "metrics.json").read_text())["runs"]

    def timeless(runs):
        return {
            name: {k: v for k, v in r.items() if "latency" not in k} for name, r in runs.items()
        }

    assert timeless(again) == timeless(metrics["runs"])
    assert "8 unchanged" in capsys.readouterr().out


def test_unknown_policy_or_baseline_is_a_usage_error(tiny, capsys):
    catalog, sessions, out = tiny
    assert run(sessions, catalog, out, "--baselines", "magic") == 2
    assert "unknown baseline magic" in capsys.readouterr().err
    assert run(sessions, catalog, out, "--policy", "best") == 2
    assert "unknown policy 'best'" in capsys.readouterr().err


def test_export_then_evaluate_with_off_policy_estimates(make_agent, tmp_path, monkeypatch):
    from agent.log import export_sessions
    from retrieval.config import RerankSettings
    from retrieval.demo import demo_products

    agent = make_agent(rerank=RerankSettings(temperature=0.3))  # sampled lists: real propensities
    asks = [
        "a yoga mat",
        "a desk lamp",
        "running shoes",
        "a dog bed",
        "wireless earbuds",
        "a hiking backpack",
        "ground coffee",
        "a wok",
    ]
    for i, text in enumerate(asks):
        reply = agent.respond(f"log-{i}", text)
        if i % 2 == 0:
            agent.feedback(f"log-{i}", reply.recommendations[0].id, "like")
    exported = tmp_path / "export.jsonl"
    exported.write_text(lines(*export_sessions(agent.log)))
    records = [json.loads(line) for line in exported.read_text().splitlines()]
    assert len(records) == 8 and sum(bool(r["targets"]) for r in records) == 4
    assert all(r["impressions"][0]["propensity"] < 1 for r in records)
    catalog = tmp_path / "demo.jsonl"
    catalog.write_text(lines(*[p.model_dump(mode="json") for p in demo_products()]))
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "eval-data"))
    out = tmp_path / "out"
    assert run(exported, catalog, out, "--policy", "none,default", "--baselines", "") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["runs"]["none"]["sessions_scored"] == 4
    ope = metrics["ope"]
    assert ope["n"] == 8 and ope["logged_rate"] == pytest.approx(4 / 8)
    for name in ("none", "default"):
        e = ope["policies"][name]
        assert e["ips"] >= 0 and e["ips_ci"][0] <= e["ips"] <= e["ips_ci"][1]
    assert "Off-policy estimates" in (out / "report.md").read_text()
