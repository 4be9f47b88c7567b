"""Avatar files in the media folder, named by content hash (so a name can never point outside the folder)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write(folder: Path, name: str, data: bytes) -> None:
    """Atomic write: a reader never sees half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():
        return
    fd, temporary = tempfile.mkstemp(dir=folder, suffix='.part')
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    os.replace(temporary, target)


def remove(folder: Path, name: str) -> None:
    """Deletes a file of the folder (nothing when it is gone already); only plain names, never a path."""
    if not name or Path(name).name != name:
        return
    (folder / name).unlink(missing_ok=True)
