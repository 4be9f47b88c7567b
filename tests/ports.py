"""Port ranges for the servers tests start. Under pytest-xdist each worker gets a slice of a range of its own, so
two workers never probe the same free port and both bind it (one then fails: "address already in use")."""

from __future__ import annotations

import os


def worker_range(low: int, high: int) -> range:
    """Ports `low` to `high` (exclusive); with N xdist workers, worker k's k-th of N slices."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', '')
    count = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1') or 1)
    if not worker.startswith('gw') or count <= 1:
        return range(low, high)
    size = (high - low) // count
    index = int(worker[2:]) % count
    return range(low + index * size, low + (index + 1) * size)
