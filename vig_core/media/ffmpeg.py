"""Run the bundled ffmpeg (imageio-ffmpeg) with an argument list and progress.

Output is written to a temp name beside the target and renamed only when
ffmpeg succeeds, so a failed or cancelled run leaves nothing half-written.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from ..files import FILE_MODE, new_private_file
from .plan import progress_fraction
from .probe import MediaError

log = logging.getLogger("vig_workbook.media")

Progress = Callable[[float], None]  # receives 0..1


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], target: Path, duration: float, on_progress: Progress | None = None) -> Path:
    """Run ``ffmpeg args`` whose last argument is ``target``; report progress; return ``target``."""
    target = Path(target)
    if args[-1] != str(target):
        raise ValueError("the target must be ffmpeg's last argument")
    partial = target.with_name(f".{target.name}.partial")
    command = [ffmpeg_exe(), *args[:-1], str(partial)]
    tail: deque[str] = deque(maxlen=20)
    try:
        # Made private before ffmpeg writes a byte: it writes into the file it finds (-y), keeping its mode.
        new_private_file(partial, replace=True).close()
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors="replace") as proc:
            # stderr is drained on a thread so a chatty ffmpeg never blocks on a full pipe.
            reader = threading.Thread(target=lambda: tail.extend(line.rstrip() for line in proc.stderr), daemon=True)
            reader.start()
            for line in proc.stdout:
                key, _, value = line.strip().partition("=")
                if key == "out_time_us" and on_progress and value.lstrip("-").isdigit():
                    on_progress(progress_fraction(int(value), duration))
            code = proc.wait()
            reader.join(timeout=5)
        if code != 0:
            log.warning("ffmpeg failed (%s): %s", code, " | ".join(tail))
            raise MediaError(_plain_failure(tail))
        os.chmod(partial, FILE_MODE)  # in case a muxer made the file anew
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    if on_progress:
        on_progress(1.0)
    return target


def _plain_failure(tail: deque[str]) -> str:
    text = " ".join(tail).lower()
    if "no space left" in text:
        return "The disk is full, so the film could not be prepared. Free some space and try again."
    return "The film could not be prepared for playback; the file may be damaged or of an unusual type."
