"""Measuring: wall and CPU time of a step, latency percentiles, peak memory."""

from __future__ import annotations

import math
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Span:
    """The wall-clock and CPU seconds a block took (filled in when it ends)."""

    wall: float = 0.0
    cpu: float = 0.0

    def add(self, other: Span) -> None:
        """Count another block's time in this one (a step done in pieces)."""
        self.wall += other.wall
        self.cpu += other.cpu


@contextmanager
def timed() -> Iterator[Span]:
    """Time a block: `with timed() as t: ...` then t.wall and t.cpu (process time)."""
    span = Span()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield span
    finally:
        span.wall = time.perf_counter() - wall
        span.cpu = time.process_time() - cpu


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) of already sorted values, nearest-rank."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(p / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of per-update latencies, in milliseconds."""
    ordered = sorted(seconds)
    return {f"p{p}_ms": round(percentile(ordered, p) * 1000, 2) for p in (50, 95, 99)} | {
        "max_ms": round(ordered[-1] * 1000, 2) if ordered else math.nan
    }


_STATUS = Path("/proc/self/status")


def reset_peak_rss() -> None:
    """Start counting the peak resident memory from now (Linux: /proc/self/clear_refs).

    Where the peak cannot be reset, `peak_rss_mb` keeps counting from the process's start.
    """
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """The process's peak resident memory since it started or `reset_peak_rss`, in MB."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


@dataclass
class Steps:
    """Named steps of a scenario, each with its wall and CPU seconds, in the order run."""

    spans: dict[str, Span] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[Span]:
        """Time one step under `name`."""
        with timed() as span:
            yield span
        self.spans[name] = span

    def total(self, names: Sequence[str] | None = None) -> float:
        """The wall seconds of the named steps (all of them by default)."""
        keys = self.spans.keys() if names is None else names
        return sum(self.spans[k].wall for k in keys if k in self.spans)

    def as_dict(self) -> dict[str, dict[str, float]]:
        """Seconds per step, rounded for reading."""
        return {
            k: {"wall_s": round(v.wall, 3), "cpu_s": round(v.cpu, 3)} for k, v in self.spans.items()
        }
