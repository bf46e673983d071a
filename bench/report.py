"""The bench's output: the machine it ran on, a table against the targets, and JSON."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Target:
    """A figure the contest needs, where to find it in the results, and how it passes."""

    label: str
    path: tuple[str, ...]
    unit: str
    passes: Callable[[float], bool]
    goal: str


TARGETS = [
    Target(
        "answers/s, all at once (burst)",
        ("answers", "burst", "per_s"),
        "/s",
        lambda v: v >= 2000,
        "≥ 2,000",
    ),
    Target(
        "answer p99 at 2,000 offered/s (paced)",
        ("answers", "paced", "2000", "p99_ms"),
        "ms",
        lambda v: v <= 20,
        "≤ 20",
    ),
    Target(
        "Redis per live attempt",
        ("answers", "redis", "bytes_per_attempt_hash"),
        "B",
        lambda v: v <= 2048,
        "≤ 2,048",
    ),
]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = None
    with contextlib.suppress(ValueError, OSError):
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "commit": _git("rev-parse", "--short", "HEAD"),
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return out.stdout.strip()


def _get(results: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _mark(ok: bool) -> str:
    return "ok" if ok else "SHORT"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def table(results: dict[str, Any]) -> str:
    """The figures as a text table, each against its target where it has one."""
    lines: list[str] = []
    answers = results.get("answers")
    if answers:
        b, s = answers["burst"], answers["submit"]
        lines.append(
            f"Answer path — {answers['participants']:,} participants at once "
            f"(Telegram Dispatcher, real Redis, SQLite)"
        )
        lines.append(
            f"  burst   {_fmt(b['per_s'])} answers/s   {_fmt(b['per_cpu_s'])} per CPU-s   "
            f"p50 {_fmt(b['p50_ms'])} ms  p99 {_fmt(b['p99_ms'])} ms (queueing behind the others)"
        )
        for p in answers["paced"].values():
            lines.append(
                f"  paced   offered {_fmt(p['offered_per_s'])}/s, got {_fmt(p['per_s'])}/s   "
                f"p50 {_fmt(p['p50_ms'])} ms  p95 {_fmt(p['p95_ms'])} ms  "
                f"p99 {_fmt(p['p99_ms'])} ms"
            )
        lines.append(
            f"  submit  {_fmt(s['per_s'])} submissions/s   p50 {_fmt(s['p50_ms'])} ms  "
            f"p99 {_fmt(s['p99_ms'])} ms"
        )
        r = answers["redis"]
        lines.append(
            f"  Redis   {_fmt(r['bytes_per_attempt_hash'])} B per live attempt hash; "
            f"{_fmt(r['bytes_per_participant_all_keys'])} B per participant over "
            f"{_fmt(r['keys_per_participant'])} keys"
        )
        lines.append(
            f"  CPU {_fmt(b['cpu_s'])} s for {b['answers']:,} answers; "
            f"peak RSS {_fmt(answers['peak_rss_mb'])} MB; "
            f"updates failed: {answers['failed_updates']:,}"
        )
    for closing in results.get("closing", []):
        if "steps" not in closing:  # --generate-only
            lines.append(f"Generated {closing['generated']} in {closing['generation_s']} s")
            continue
        steps = closing["steps"]
        shown = ", ".join(f"{k} {v['wall_s']:.2f}" for k, v in steps.items())
        # Closing 100,000 people: 10 s; Hà Nội's 1,300,000: 60 s and 2 GB.
        large = closing["participants"] > 1_000_000
        ok = closing["total_s"] <= (60 if large else 10)
        memory = f" (target ≤ 2,048 MB: {_mark(closing['peak_rss_mb'] <= 2048)})" if large else ""
        generated = (
            f"generated in {closing['generation_s']} s"
            if closing["generation_s"]
            else "a copy of the kept database"
        )
        lines.append(
            f"Closing a round on {closing['database']} — {closing['participants']:,} people, "
            f"{closing['attempts']:,} attempts, {closing['answers']:,} answers "
            f"({generated}, not counted)"
        )
        lines.append(f"  steps (s): {shown}")
        lines.append(
            f"  total {closing['total_s']:.2f} s (target ≤ {60 if large else 10} s: {_mark(ok)}); "
            f"workbook {closing['xlsx_mb']} MB, detail {closing.get('detail_mb', '-')} MB; "
            f"peak RSS {_fmt(closing['peak_rss_mb'])} MB{memory}"
        )
    for bc in results.get("broadcast", []):
        ok = bc["share_of_limit"] >= 0.95 and bc["http_429_steady"] == 0
        lines.append(
            f"Broadcast — {bc['recipients']:,} recipients, limit {bc['limit_per_s']}/s, "
            f"configured {bc['configured_per_s']}/s ({bc['time']})"
        )
        lines.append(
            f"  achieved {bc['achieved_per_s']}/s = {bc['share_of_limit']:.1%} of the limit; "
            f"429s {bc['http_429']} ({bc['http_429_steady']} in steady state): {_mark(ok)}; "
            f"{bc['real_ms_per_message']} ms of real work per message"
        )
    if results.get("peak"):
        lines += peak_table(results["peak"])
    checks = []
    for t in TARGETS:
        v = _get(results, t.path)
        if v is not None:
            checks.append(
                f"  {t.label}: {_fmt(v)} {t.unit} (target {t.goal}): {_mark(t.passes(v))}"
            )
    if checks:
        lines.append("Targets")
        lines += checks
    return "\n".join(lines)


# Peak evening targets (bench/peak.py): (label, key, goal, passes).
PEAK_TARGETS: list[tuple[str, str, str, Callable[[float], bool]]] = [
    ("messages per answer", "messages_per_answer", "≤ 1.1", lambda v: v <= 1.1),
    ("429s received", "http_429", "0", lambda v: v == 0),
    ("replies lost", "replies_lost", "0", lambda v: v == 0),
    ("tap acknowledgement p99 (ms)", "ack_p99_ms", "≤ 300", lambda v: v <= 300),
    ("tap to next question p99 (ms)", "next_p99_ms", "≤ 1,500 up to 2.5/s", lambda v: v <= 1500),
    ("recorded − thinking p99 (s)", "time_error_p99_s", "≤ 1", lambda v: v <= 1),
]


def peak_table(peak: dict[str, Any]) -> list[str]:
    """The peak evening figures, one column per rate, each against its target."""
    lines: list[str] = []
    for kind, title in (("plain", ""), ("broadcast", " with a broadcast running")):
        runs = peak.get(kind) or {}
        if not runs:
            continue
        first = next(iter(runs.values()))
        lines.append(
            f"Peak evening{title} — quizbot run (webhook) against Telegram's limits, "
            f"attempts starting for {first['seconds']:.0f} s"
            + (
                f", {first['broadcast_recipients']:,} broadcast recipients"
                if kind != "plain"
                else ""
            )
        )
        lines.append(
            "  attempts started per second".ljust(40)
            + "".join(f"{r['rate']:>12g}" for r in runs.values())
            + "   target"
        )
        rows: list[tuple[str, str, str, Callable[[float], bool] | None]] = [
            ("attempts finished", "finished", "all", None),
            *PEAK_TARGETS,
            ("tap to next question p50 (ms)", "next_p50_ms", "", None),
            ("429s by limit: bot/chat/group", "http_429_by_limit", "", None),
            ("messages per second, all", "messages_per_s", "≤ 30", lambda v: v <= 30),
        ]
        for label, key, goal, passes in rows:
            cells = []
            for r in runs.values():
                v = r.get(key)
                text = "—" if v is None else _fmt(v)
                if key == "finished":
                    text = f"{r['finished']}/{r['attempts']}"
                elif isinstance(v, dict):
                    text = "/".join(str(n) for n in v.values())
                elif passes is not None and v is not None and not passes(v):
                    text += "!"
                cells.append(f"{text:>12}")
            lines.append(f"  {label}".ljust(40) + "".join(cells) + f"   {goal}")
    lines.append("  (! marks a figure short of its target)")
    return lines


def write(results: dict[str, Any], path: Path) -> None:
    """Write the results as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
