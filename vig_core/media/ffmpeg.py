"""Run the bundled ffmpeg (imageio-ffmpeg) with an argument list and progress.

Output is written to a temp name beside the target and renamed only when
ffmpeg succeeds, so a failed or cancelled run leaves nothing half-written. In a
vault, inputs come through loopback URLs and the output through a private folder
in memory, then encrypted into the target (see :func:`run_ffmpeg`).

ffmpeg dies with the workbook: a server killed mid-import must not leave it
converting for minutes into a file nobody will use. It runs in its own process
group, which the workbook ends when it exits, and on Linux the kernel kills it
the moment the thread that started it is gone (a parent-death signal), even
when the server itself was killed. Its temp file is private from creation and
locked by the workbook while ffmpeg writes, so the next start removes it at
once if the workbook died (see :mod:`vig_core.storage.recovery`).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from vig_core.media.loopback import Inputs, ffmpeg_inputs
from vig_core.media.plan import progress_fraction
from vig_core.media.probe import MediaError
from vig_core.storage import vaulting
from vig_core.storage.files import FILE_MODE, locked_new_file
from vig_core.storage.scratch import scratch_folder
from vig_core.storage.vaulting import copy_into_media

log = logging.getLogger("vig_workbook.media")

Progress = Callable[[float], None]  # receives 0..1


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def _linux_prctl():
    """``prctl`` from the C library on Linux, else ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - an unusual C library
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return prctl


_PRCTL = _linux_prctl()
PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """In the child between fork and exec (only simple calls here): be killed when the thread that
    started it ends, and end at once if the workbook died before this was set."""
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def spawn_options() -> dict:
    """``subprocess`` arguments that make an ffmpeg die with the workbook (see module notes)."""
    if os.name != "posix":  # pragma: no cover - Windows: ended when the workbook exits (atexit)
        return {}
    options: dict = {"start_new_session": True}  # its own process group
    if _PRCTL is not None:
        options["preexec_fn"] = functools.partial(_die_with, os.getpid())
    return options


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


@atexit.register
def _end_running() -> None:
    """When the workbook exits (Ctrl+C), end every ffmpeg it started, with its process group."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL) if os.name == "posix" else proc.kill()


def run_ffmpeg(args: list[str], target: Path, duration: float, on_progress: Progress | None = None) -> Path:
    """Run ``ffmpeg args`` whose last argument is ``target``; report progress; return ``target``.

    In a vault (see :mod:`vig_core.media.loopback` and docs/vault.md): every encrypted input is read
    through a loopback URL, and ffmpeg writes into a private scratch folder in memory-backed storage
    (``/dev/shm`` when it exists and is writable, else the system's temporary folder; see
    :mod:`vig_core.storage.scratch`), from where the film is encrypted into ``target`` and the
    plaintext removed at once, also when ffmpeg or the encryption fails; a workbook killed meanwhile
    leaves a note from which the next start removes it.
    """
    target = Path(target)
    if args[-1] != str(target):
        raise ValueError("the target must be ffmpeg's last argument")
    sealed = vaulting.key_for(target) is not None  # LockedError while its vault is locked
    with contextlib.ExitStack() as stack:
        inputs = stack.enter_context(ffmpeg_inputs(args[:-1]))
        if not sealed:
            _run_into(inputs, target.with_name(f".{target.name}.partial"), target, duration, on_progress)
        else:
            folder = stack.enter_context(scratch_folder(vaulting.vault_root(target)))
            made = folder / target.name
            _run_into(inputs, made, None, duration, on_progress)
            with open(made, "rb") as plain:
                copy_into_media(plain, target, "saving the film")
            made.unlink()
    if on_progress:
        on_progress(1.0)
    return target


def _run_into(args: Inputs, partial: Path, target: Path | None, duration: float,
              on_progress: Progress | None) -> None:
    """Run ffmpeg writing to ``partial``, then (when ``target`` is given) rename it to ``target``."""
    command = [ffmpeg_exe(), *args, str(partial)]
    tail: deque[str] = deque(maxlen=20)
    # Made private before ffmpeg writes a byte: it writes into the file it finds (-y), keeping its mode.
    # The lock held on it tells the next start whether a live workbook is still making it.
    lock = locked_new_file(partial, replace=True)
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors="replace", **spawn_options()) as proc:
            with _running_lock:
                _running.add(proc)
            try:
                # stderr is drained on a thread so a chatty ffmpeg never blocks on a full pipe.
                reader = threading.Thread(target=lambda: tail.extend(line.rstrip() for line in proc.stderr),
                                          daemon=True)
                reader.start()
                for line in proc.stdout:
                    key, _, value = line.strip().partition("=")
                    if key == "out_time_us" and on_progress and value.lstrip("-").isdigit():
                        on_progress(progress_fraction(int(value), duration))
                code = proc.wait()
                reader.join(timeout=5)
            except BaseException:
                proc.kill()  # stopped half-way here: ffmpeg stops too
                raise
            finally:
                with _running_lock:
                    _running.discard(proc)
        args.check()  # an encrypted input with a damaged chunk: never a film cut short by it
        if code != 0:
            log.warning("ffmpeg failed (%s): %s", code, " | ".join(tail))
            raise MediaError(_plain_failure(tail))
        os.chmod(partial, FILE_MODE)  # in case a muxer made the file anew
        if target is not None:
            os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if target is not None:
            partial.unlink(missing_ok=True)
        os.close(lock)


def _plain_failure(tail: deque[str]) -> str:
    text = " ".join(tail).lower()
    if "no space left" in text:
        return "The disk is full, so the film could not be prepared. Free some space and try again."
    return "The film could not be prepared for playback; the file may be damaged or of an unusual type."
