"""Reading benchmark sessions (a malformed line names itself) and off-policy estimates by hand."""

from __future__ import annotations

import json

import pytest

from eval.ope import Refused, estimate, logged_turns
from eval.sessions import EvalSession, load_sessions


def write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def session(sid, targets=("p1",), turns=None, **extra):
    record = {
        "session_id": sid,
        "turns": turns or [{"role": "user", "content": "a lamp"}],
        "targets": list(targets),
        **extra,
    }
    return json.dumps(record)


def test_malformed_lines_are_named_and_the_rest_are_read(tmp_path):
    path = write(
        tmp_path / "s.jsonl",
        [
            session("a"),
            "{not json",
            json.dumps({"session_id": "b", "targets": ["p1"]}),
            session(
                "c",
                turns=[
                    {"role": "user", "content": "hi"},
                    {"role": "assistant", "content": "hello"},
                ],
            ),
            session("d", turns=[{"role": "wizard", "content": "x"}]),
            session("a"),
            "",
            session("e", targets=()),
        ],
    )
    sessions, failures = load_sessions([path, tmp_path / "missing.jsonl"])
    assert [s.session_id for s in sessions] == ["a", "e"]
    assert sessions[0].where == f"{path}:1"
    got = [(f.where.rsplit(":", 1)[-1], f.error) for f in failures[:-1]]
    assert got == [
        ("2", "not JSON (Expecting property name enclosed in double quotes at column 2)"),
        ("3", "field 'turns': Field required"),
        ("4", "field 'turns': Value error, the last turn must be the shopper's (role 'user')"),
        ("5", "field 'turns.0.role': Input should be 'user' or 'assistant'"),
        ("6", "session id 'a' repeats"),
    ]
    assert failures[-1].error == "the sessions file does not exist"
    limited, _ = load_sessions([path], limit=1)
    assert [s.session_id for s in limited] == ["a"]


def logged(sid, top, propensity, kinds=()):
    return EvalSession(
        session_id=sid,
        turns=(),
        targets=(),
        source="tailtalk-log",
        where=sid,
        impressions=(
            {"product_id": top, "rank": 1, "propensity": propensity},
            {"product_id": "other", "rank": 2, "propensity": 1.0},
        ),
        feedback=tuple({"product_id": top, "kind": k} for k in kinds),
    )


def test_ips_and_snips_by_hand():
    turns = logged_turns(
        [
            logged("t1", "a", 0.5, ["like"]),  # reward 1
            logged("t2", "b", 0.25),  # reward 0
            logged("t3", "a", 0.5, ["cart"]),  # reward 1
            logged("t4", "c", 0.8, ["dislike"]),  # dislike is not positive: reward 0
        ]
    )
    assert [t.reward for t in turns] == [1, 0, 1, 0]
    # The candidate puts "a" first everywhere: it matches t1 and t3 (w = 2 each), else w = 0.
    result = estimate(turns, lambda session: "a")
    assert result["matches"] == 2
    assert result["ips"] == pytest.approx((2 * 1 + 0 + 2 * 1 + 0) / 4)  # 1.0
    assert result["snips"] == pytest.approx((2 + 2) / (2 + 2))  # 1.0
    # A candidate that picks "b" for t2 only: w = 4 there, reward 0.
    other = estimate(turns, lambda session: "b" if session.session_id == "t2" else None)
    assert (other["matches"], other["ips"], other["snips"]) == (1, 0.0, 0.0)
    low, high = result["ips_ci"]
    assert low <= result["ips"] <= high


def test_off_policy_refuses_without_what_it_needs():
    plain = EvalSession("x", (), ("p",), "redial", "x")
    with pytest.raises(Refused, match="no impressions"):
        logged_turns([plain])
    missing = logged("y", "a", 0.5)
    missing = EvalSession(
        "y", (), (), "log", "y", impressions=({"product_id": "a", "rank": 1, "propensity": None},)
    )
    with pytest.raises(Refused, match="without propensities"):
        logged_turns([missing])
    with pytest.raises(Refused, match="deterministic"):
        logged_turns([logged("z", "a", 1.0, ["like"])])
