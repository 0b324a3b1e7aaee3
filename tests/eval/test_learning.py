"""Learning inside run_offline: --train round trip, folds by dialogue, the two protocols."""

from __future__ import annotations

import json

import pytest

from eval.learning import dialogue_of, folds
from eval.run_offline import main
from eval.sessions import EvalSession
from tests.eval.test_run_offline import lines, run, tiny  # noqa: F401 - the fixture


def session(sid: str) -> EvalSession:
    return EvalSession(sid, (), ("x",), "", "")


def test_folds_keep_each_dialogue_on_one_side():
    assert dialogue_of("redial-16162-4") == "redial-16162"
    assert dialogue_of("odkg-5-5") == "odkg-5"
    assert dialogue_of("sim-00001") == "sim-00001"
    sessions = [session(f"redial-{d}-{t}") for d in range(10) for t in (2, 4, 6)]
    parts = folds(sessions, 3, seed=1)
    assert sum(len(p) for p in parts) == 30
    owner = {}
    for i, part in enumerate(parts):
        for s in part:
            assert owner.setdefault(dialogue_of(s.session_id), i) == i
    assert sorted(len({dialogue_of(s.session_id) for s in p}) for p in parts) == [3, 3, 4]


@pytest.fixture
def lamps(tiny, tmp_path):  # noqa: F811 - tiny is the imported fixture
    catalog, _, out = tiny
    # People who talk about the Brightline Lamp end up with the Tall Tripod Lamp (L5).
    train = tmp_path / "train.jsonl"
    train.write_text(
        lines(
            *[
                {
                    "session_id": f"t-{i}-1",
                    "turns": [{"role": "user", "content": "I loved the Brightline Lamp"}],
                    "targets": ["L5"],
                }
                for i in range(60)
            ]
        )
    )
    sessions = tmp_path / "eval.jsonl"
    sessions.write_text(
        lines(
            {
                "session_id": "e-1-1",
                "turns": [{"role": "user", "content": "something like the Brightline Lamp"}],
                "targets": ["L5", "L1"],
            }
        )
    )
    return catalog, sessions, train, out


def test_train_round_trip_and_both_protocols(lamps):
    catalog, sessions, train, out = lamps
    options = ("-k", "1", "--policy", "none", "--baselines", "itemknn")
    assert run(sessions, catalog, out, *options) == 0
    plain = json.loads((out / "metrics.json").read_text())
    assert set(plain["protocols"]) == {"all", "dedup"} and "learning" not in plain
    # Without a model item-kNN has nothing to go on (its fallback has no counts either).
    assert plain["protocols"]["dedup"]["runs"]["itemknn"]["recall@1"] == 0.0
    assert run(sessions, catalog, out, *options, "--train", str(train)) == 0
    learned = json.loads((out / "metrics.json").read_text())
    (model,) = learned["learning"]["models"]
    assert model["usable"] and model["trained_on"]["turns"] == 60
    dedup = learned["protocols"]["dedup"]
    # dedup: L1 is named in the dialogue, so only L5 is a target; the neighbour of L1 is L5.
    assert dedup["n_sessions_scored"] == 1
    assert dedup["runs"]["itemknn"]["recall@1"] == 1.0
    # all: both targets count, one list slot: recall 1/2 at best.
    assert learned["protocols"]["all"]["runs"]["itemknn"]["recall@1"] == 0.5
    assert "## Learned models" in (out / "report.md").read_text()


def test_unknown_protocol_is_a_usage_error(lamps, capsys):
    catalog, sessions, _, out = lamps
    assert (
        main(
            [
                "--sessions",
                str(sessions),
                "--catalog",
                str(catalog),
                "--out",
                str(out),
                "--protocol",
                "some",
            ]
        )
        == 2
    )
    assert "unknown protocol 'some'" in capsys.readouterr().err
