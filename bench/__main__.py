"""`python -m bench [answers] [closing] [broadcast] [options]`: run, print a table, write JSON.

With no scenario named, the first three run; `peak` (the real bot process against Telegram's
limits, minutes per rate) runs when named. See bench/README.md for what each measures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path
from typing import Any

from bench import answers, broadcast, closing, peak, report
from bench.profiling import Profiler
from bench.setup import POSTGRES_URL, REDIS_URL, RESULTS_DIR
from bot import logs

SCENARIOS = ("answers", "closing", "broadcast")
ON_REQUEST = ("peak",)
BASELINE = Path(__file__).resolve().parent / "baseline.json"


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", help=", ".join(SCENARIOS))
    p.add_argument("--participants", type=int, default=1000, help="answer path: people at once")
    p.add_argument("--concurrency", type=int, default=None, help="answer path: updates in flight")
    p.add_argument(
        "--rates", default="2000,500", help="answer path: offered taps/s, one paced run each"
    )
    p.add_argument("--round-people", type=int, default=100_000, help="closing: participants")
    p.add_argument("--round-attempts", type=int, default=300_000, help="closing: attempts")
    p.add_argument("--databases", default="sqlite,postgres", help="closing: sqlite,postgres")
    p.add_argument("--recipients", type=int, default=5000, help="broadcast: recipients")
    p.add_argument("--limits", default="25,30", help="broadcast: channel limits per second")
    p.add_argument(
        "--peak-rates", default="0.5,1,2,3", help="peak: attempts started per second, a run each"
    )
    p.add_argument("--peak-seconds", type=float, default=60, help="peak: how long attempts start")
    p.add_argument(
        "--peak-broadcast",
        type=int,
        default=3000,
        help="peak: recipients of a broadcast running alongside (0: no second run)",
    )
    p.add_argument(
        "--peak-think", default="2,8", help="peak: seconds thinking per question, low,high"
    )
    p.add_argument(
        "--peak-send-rate", type=float, default=None, help="peak: TELEGRAM_SEND_RATE of the bot"
    )
    p.add_argument(
        "--peak-only-broadcast", action="store_true", help="peak: only the runs with a broadcast"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--redis-url", default=REDIS_URL, help="default: $REDIS_URL or the local one")
    p.add_argument("--postgres-url", default=POSTGRES_URL, help="default: $POSTGRES_URL or local")
    p.add_argument("--profile", action="store_true", help="pyinstrument profiles per step")
    p.add_argument("--out", type=Path, default=None, help="the JSON file (bench/results/…)")
    p.add_argument("--baseline", action="store_true", help=f"also write {BASELINE.name}")
    p.add_argument("--xlsx", type=Path, default=None, help="closing: keep the workbook here")
    p.add_argument(
        "--scale",
        choices=("province", "hanoi"),
        default="province",
        help="closing: hanoi = 1,300,000 people, 4,000,000 attempts on PostgreSQL, generated "
        f"once into the kept database {closing.HANOI_DATABASE} (drop it when done)",
    )
    p.add_argument(
        "--keep-database", default=None, help="closing: generate once into this PostgreSQL db"
    )
    p.add_argument(
        "--generate-only", action="store_true", help="closing: fill the kept database, stop"
    )
    args = p.parse_args(argv)
    if args.scale == "hanoi":
        args.round_people = closing.HANOI["participants"]
        args.round_attempts = closing.HANOI["attempts"]
        args.databases = "postgres"
        args.keep_database = args.keep_database or closing.HANOI_DATABASE
    known = SCENARIOS + ON_REQUEST
    unknown = set(args.scenarios) - set(known)
    if unknown:
        p.error(f"unknown scenario {', '.join(sorted(unknown))}; choose from {', '.join(known)}")
    return args


async def run(args: argparse.Namespace, stamp: str) -> dict[str, Any]:
    """Run the chosen scenarios; each one's figures under its name."""
    chosen = args.scenarios or list(SCENARIOS)
    profiler = Profiler(RESULTS_DIR / f"profile-{stamp}" if args.profile else None)
    results: dict[str, Any] = {}
    if "answers" in chosen:
        results["answers"] = await answers.run(
            args.participants,
            concurrency=args.concurrency,
            rates=tuple(float(r) for r in args.rates.split(",")),
            seed=args.seed,
            redis_url=args.redis_url,
            profiler=profiler,
        )
        _progress(report.table({"answers": results["answers"]}))
    if "closing" in chosen:
        results["closing"] = []
        for kind in args.databases.split(","):
            figures = await closing.run(
                kind.strip(),
                participants=args.round_people,
                attempts=args.round_attempts,
                seed=args.seed,
                postgres_url=args.postgres_url,
                profiler=profiler,
                keep_xlsx=args.xlsx,
                keep_database=args.keep_database,
                generate_only=args.generate_only,
            )
            results["closing"].append(figures)
            _progress(report.table({"closing": [figures]}))
    if "broadcast" in chosen:
        results["broadcast"] = []
        for limit in args.limits.split(","):
            figures = await broadcast.run(
                args.recipients,
                limit=int(limit),
                seed=args.seed,
                redis_url=args.redis_url,
                profiler=profiler,
            )
            results["broadcast"].append(figures)
            _progress(report.table({"broadcast": [figures]}))
    if "peak" in chosen:
        results["peak"] = await peak.run(
            tuple(float(r) for r in args.peak_rates.split(",")),
            seconds=args.peak_seconds,
            broadcast=args.peak_broadcast,
            think=_pair(args.peak_think),
            send_rate=args.peak_send_rate,
            only_broadcast=args.peak_only_broadcast,
            seed=args.seed,
            redis_url=args.redis_url,
        )
    return results


def _pair(text: str) -> tuple[float, float]:
    low, high = (float(x) for x in text.split(","))
    return low, high


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the bench from the command line."""
    args = parse(sys.argv[1:] if argv is None else argv)
    # The broadcaster logs every 429 and the channel every failed update: a bench that
    # provokes them on purpose should not drown its own table.
    logs.configure(logging.ERROR)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    figures = asyncio.run(run(args, stamp))
    results = {
        "machine": report.machine(),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        **figures,
    }
    print(report.table(results))
    out = args.out or RESULTS_DIR / f"bench-{stamp}.json"
    report.write(results, out)
    print(f"\nJSON: {out}")
    if args.baseline:
        report.write(results, BASELINE)
        print(f"baseline: {BASELINE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
