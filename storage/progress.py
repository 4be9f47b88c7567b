"""Progress of long command-line work (backup, restore, export): a bar on a terminal, one plain line otherwise.

The storage code reports through `Progress.step`, never prints itself: the commands choose where it goes, and the
tests pass `QUIET`. Without a terminal (cron, a pipe, a log file) a bar would fill the log with carriage returns, so
each step is announced by one line instead.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

Advance = Callable[[int], object]  # called with the amount of work just done (bytes, pages, messages)


class Progress:
    def __init__(self, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar

    @contextmanager
    def step(self, description: str, total: int, unit: str = 'B') -> Iterator[Advance]:
        if self.bar:
            scale = unit == 'B'
            size = shutil.get_terminal_size()  # a terminal of unknown size reports 0 x 0, and tqdm shows nothing
            shape = {'ncols': min(size.columns, 100), 'nrows': size.lines}
            with tqdm(total=total, desc=description, unit=unit, unit_scale=scale, file=self.stream, **shape) as bar:
                yield bar.update
            return
        size = _human(total) if unit == 'B' else f'{total:,} {unit}'
        print(f'{description} ({size})...', file=self.stream, flush=True)
        yield _ignore


class _Quiet(Progress):
    @contextmanager
    def step(self, description: str, total: int, unit: str = 'B') -> Iterator[Advance]:
        yield _ignore


QUIET: Progress = _Quiet(bar=False)


def _ignore(_amount: int) -> None:
    return None


def _human(size: int) -> str:
    value = float(size)
    for unit in ('bytes', 'KB', 'MB', 'GB'):
        if value < 1024 or unit == 'GB':
            return f'{value:.0f} {unit}' if unit == 'bytes' else f'{value:.1f} {unit}'
        value /= 1024
    raise AssertionError('unreachable')
