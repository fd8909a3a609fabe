"""Atomic file replacement: the one writer every medmassage output goes through.

`replacing` opens a temporary file in the target's folder; when the ``with``
block ends without an error, the file is flushed, synced, given the target's
permission bits (or the usual ones for a new file: 0666 less the umask) and
renamed over the target in one step, so a reader sees the old file or the new
one, never a part. On any error the temporary file is removed and an existing
target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["replacing"]


@contextlib.contextmanager
def replacing(target: str, info: os.stat_result | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces *target* atomically when the block succeeds.

    Args:
        target: The path of the file to write (a regular file or a new name).
        info: ``os.stat(target)`` if the caller has it (an existing file keeps its
            permission bits); looked up when omitted.

    Raises:
        OSError: If the temporary file cannot be created, written or renamed.
    """
    if info is None:
        with contextlib.suppress(FileNotFoundError):
            info = os.stat(target)
    folder, name = os.path.split(target)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if info is not None:
            mode = stat.S_IMODE(info.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        dir_fd = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
