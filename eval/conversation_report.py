"""From played conversations to results.json, report.md and a bar chart of pass rates.

results.json: {"summary": {"cases", "passed", "pass_rate", "passed_present", "present_rate",
"missing_fields", "turns", "turns_passed", "by_theme": {theme: {"cases", "passed",
"pass_rate", "passed_present", "present_rate"}}, "by_language": ..., "by_catalog": ...,
"by_theme_language": {theme: {language: {...}}}, "by_check": {check: {"checks", "passed",
"pass_rate"}}}, "run": {...how it was run...}, "cases": [{"id", "catalog", "language",
"category", "note", "passed", "turns": [{"number", "user", "reply", "error", "checks"}]}]}

The pass rate is the measurement. The "present" numbers set aside the checks that failed only
because the reply has no such field at all (`missing_fields`: outcome, relaxed, language while
the agent lacks them): a partial view of the rest, never to be quoted as the pass rate.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.conversation_play import CaseResult
from eval.conversations import LANGUAGES, THEMES


def _rate(results: Sequence[CaseResult]) -> dict[str, Any]:
    total = len(results)
    passed = sum(r.passed for r in results)
    present = sum(r.passed_present for r in results)
    return {
        "cases": total,
        "passed": passed,
        "pass_rate": passed / total if total else 0.0,
        "passed_present": present,
        "present_rate": present / total if total else 0.0,
    }


def _grouped(results: Sequence[CaseResult], key: Callable[[CaseResult], str]) -> dict[str, Any]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[key(r)].append(r)
    return {name: _rate(rs) for name, rs in sorted(groups.items())}


def summarise(results: Sequence[CaseResult]) -> dict[str, Any]:
    turns = [t for r in results for t in r.turns]
    unplayed = sum(len(r.case.turns) - len(r.turns) for r in results)
    checks: dict[str, list[bool]] = defaultdict(list)
    for t in turns:
        for c in t.checks:
            checks[c.name].append(c.ok)
        if t.error is not None:
            checks["agent_error"].append(False)
    by_theme_language = {
        theme: _grouped([r for r in results if r.case.category == theme], lambda r: r.case.language)
        for theme in THEMES
        if any(r.case.category == theme for r in results)
    }
    return {
        **_rate(results),
        "missing_fields": sorted({c.name for t in turns for c in t.checks if c.missing_field}),
        "turns": len(turns) + unplayed,
        "turns_passed": sum(t.passed for t in turns),
        "by_theme": _grouped(results, lambda r: r.case.category),
        "by_language": _grouped(results, lambda r: r.case.language),
        "by_catalog": _grouped(results, lambda r: r.case.catalog),
        "by_theme_language": by_theme_language,
        "by_check": {
            name: {"checks": len(oks), "passed": sum(oks), "pass_rate": sum(oks) / len(oks)}
            for name, oks in sorted(checks.items())
        },
    }


def case_record(result: CaseResult) -> dict[str, Any]:
    case = result.case
    return {
        "id": case.id,
        "catalog": case.catalog,
        "language": case.language,
        "category": case.category,
        "note": case.note,
        "passed": result.passed,
        "turns": [
            {
                "number": t.number,
                "user": t.user,
                "reply": t.reply,
                "error": t.error,
                "latency_ms": round(t.latency_ms, 1),
                "checks": [c.as_dict() for c in t.checks],
            }
            for t in result.turns
        ],
    }


def write_report(out: Path, results: Sequence[CaseResult], run: dict[str, Any]) -> dict[str, Any]:
    """Writes results.json, report.md and pass_rates.png under `out`; returns the summary."""
    out.mkdir(parents=True, exist_ok=True)
    summary = summarise(results)
    document = {"summary": summary, "run": run, "cases": [case_record(r) for r in results]}
    (out / "results.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (out / "report.md").write_text(markdown(summary, run, results), encoding="utf-8")
    if results:
        plot_pass_rates(summary, out / "pass_rates.png")
    return summary


def _table(title: str, rows: dict[str, Any], unit: str = "cases") -> list[str]:
    lines = [f"| {title} | {unit} | passed | pass rate |", "|---|---:|---:|---:|"]
    for name, r in rows.items():
        count = r.get("cases", r.get("checks"))
        lines.append(f"| {name} | {count} | {r['passed']} | {r['pass_rate']:.1%} |")
    return lines


def markdown(summary: dict[str, Any], run: dict[str, Any], results: Sequence[CaseResult]) -> str:
    lines = [
        "# Conversation corpus: how well the agent understands shoppers",
        "",
        f"Command: `{run['command']}`",
        "",
        f"Catalogues: {', '.join(run['catalogs'])}; backend {run['backend']}; "
        f"re-ranking {run['policy']}; {run['k']} products per answer. Assistant turns sent "
        f"back as {run['sent_back']}.",
        "",
        f"**{summary['passed']} of {summary['cases']} conversations pass "
        f"({summary['pass_rate']:.1%})**; {summary['turns_passed']} of {summary['turns']} "
        "turns pass every check. A conversation passes when every check of every turn passes.",
        "",
        *_present(summary),
        "![pass rate per theme and language](pass_rates.png)",
        "",
        *_table("theme", summary["by_theme"]),
        "",
        *_table("language", summary["by_language"]),
        "",
        *_table("catalogue", summary["by_catalog"]),
        "",
        "Checks one by one (a turn has several):",
        "",
        *_table("check", summary["by_check"], unit="checks"),
        "",
        "## Failures",
        "",
    ]
    for result in results:
        if not result.passed:
            lines += _failure(result)
    return "\n".join(lines) + "\n"


def _present(summary: dict[str, Any]) -> list[str]:
    if not summary["missing_fields"]:
        return []

    def rates(group: str) -> str:
        return ", ".join(f"{k} {v['present_rate']:.0%}" for k, v in summary[group].items())

    fields = " or ".join(f"`{f}`" for f in summary["missing_fields"])
    return [
        f"The replies have no {fields} field, so every check on those fails. Setting them "
        f"aside (a partial view, not the measurement): {summary['passed_present']} of "
        f"{summary['cases']} pass ({summary['present_rate']:.1%}); by theme "
        f"{rates('by_theme')}; by language {rates('by_language')}; by catalogue "
        f"{rates('by_catalog')}.",
        "",
    ]


def _failure(result: CaseResult) -> list[str]:
    case = result.case
    lines = [f"### {case.id} ({case.catalog}, {case.language}): {case.note}", ""]
    for turn in result.turns:
        failed = [c for c in turn.checks if not c.ok]
        if turn.error is None and not failed:
            continue
        lines.append(f"- turn {turn.number}: “{_clip(turn.user, 160)}”")
        if turn.error is not None:
            lines.append(f"  - agent error: {_clip(turn.error, 300)}")
        absent = [c for c in failed if c.missing_field]
        if absent:  # one line: these fail on every turn until the reply has the field
            wanted = ", ".join(f"{c.name} {_clip(c.expected, 60)}" for c in absent)
            lines.append(f"  - no such reply field: {wanted}")
        for check in failed:
            if check.missing_field:
                continue
            lines.append(
                f"  - **{check.name}**: expected {_clip(check.expected, 300)}; "
                f"got {_clip(check.got, 300)}"
            )
        if turn.reply is not None:
            lines.append(f"  - reply: {_reply_line(turn.reply)}")
    unplayed = len(case.turns) - len(result.turns)
    if unplayed:
        lines.append(f"- {unplayed} later turn(s) not played")
    lines.append("")
    return lines


def _reply_line(reply: dict[str, Any]) -> str:
    cards = ", ".join(f"{c['id']} ({_price(c['price'])})" for c in reply["cards"])
    fields = f"outcome {reply['outcome']}, language {reply['language']}"
    return f"{fields}; cards: {cards or 'none'}; text: “{_clip(reply['text'], 200)}”"


def _price(price: float | None) -> str:
    return "no price" if price is None else f"${price:.2f}"


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def plot_pass_rates(summary: dict[str, Any], path: Path) -> None:
    """Grouped bars: pass rate per theme, one bar per language plus all languages; when some
    reply field is missing, a second panel with the checks on it set aside."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("pass_rate", "passed")]
    if summary["missing_fields"]:
        panels.append(("present_rate", "passed_present"))
    themes = list(summary["by_theme"])
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(max(8.0, 1.1 * len(themes)), 4.2 * len(panels)), squeeze=False
    )
    for ax, (rate, count) in zip(axes[:, 0], panels, strict=True):
        series = [("all", [summary["by_theme"][t][rate] for t in themes])]
        for language in LANGUAGES:
            cells = [summary["by_theme_language"][t].get(language) for t in themes]
            series.append((language, [c[rate] if c else np.nan for c in cells]))
        width = 0.8 / len(series)
        x = np.arange(len(themes))
        for i, (name, values) in enumerate(series):
            ax.bar(x + (i - (len(series) - 1) / 2) * width, values, width, label=name)
        ax.set_xticks(x, themes, rotation=25, ha="right")
        ax.set_ylim(0, 1)
        ax.set_ylabel("conversations passing")
        what = (
            "every check"
            if rate == "pass_rate"
            else "setting aside " + ", ".join(summary["missing_fields"])
        )
        ax.set_title(
            f"{summary[count]}/{summary['cases']} pass ({summary[rate]:.0%}), {what}",
            fontsize=10,
        )
        ax.legend(fontsize=8, ncol=4)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Conversation corpus by theme and language", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
