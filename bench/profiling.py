"""Optional profiles of measured steps (pyinstrument, from the dev extra), one file per step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Profiler:
    """Profiles steps into `folder` as text and HTML; with no folder it does nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @contextmanager
    def profile(self, name: str) -> Iterator[None]:
        """Profile the block under `name` (every thread and task, sampled every millisecond)."""
        if self.folder is None:
            yield
            return
        from pyinstrument import Profiler as Sampler  # a dev tool: imported only when asked

        self.folder.mkdir(parents=True, exist_ok=True)
        sampler = Sampler(interval=0.001, async_mode="disabled")
        sampler.start()
        try:
            yield
        finally:
            sampler.stop()
            (self.folder / f"{name}.txt").write_text(
                sampler.output_text(unicode=True, show_all=False), encoding="utf-8"
            )
            (self.folder / f"{name}.html").write_text(sampler.output_html(), encoding="utf-8")
