#!/usr/bin/env python3
"""Set up and run the VIG Workbook, or its tests, with nothing but Python 3.11+.

    python3 dev.py run     set up, create the demo case, start the app and open it
    python3 dev.py test    set up (test tools, Chromium), check the code with ruff and run every test
    python3 dev.py bench   set up as for the tests and run every benchmark (see BENCHMARKS.md)

Setup means: a virtual environment in .venv with the pinned requirements
(reinstalled only when a requirements file changes) and, for the tests,
Debian's chromium package when it is missing, and espeak-ng and sox, which speak the
test films' conversations (installed with apt-get as root).
Extra arguments after ``test`` go to pytest, e.g. ``python3 dev.py test -k store``; after
``bench`` to bench/run_all.py, e.g. ``python3 dev.py bench --quick``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import venv
import webbrowser
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
HOST, PORT = "127.0.0.1", int(os.environ.get("VIG_PORT", "8501"))
CHROMIUM = Path("/usr/bin/chromium")


def say(message: str) -> None:
    print(f"[vig] {message}", flush=True)


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def ensure_venv(requirements: str) -> None:
    """Create .venv and install ``requirements`` unless an install of the same
    files already covers it (the dev set includes the runtime set)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - any python3 may run this file; it says so plainly
        sys.exit("The workbook needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("creating the virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    files = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / ".installed"
    done = stamp.read_text().split() if stamp.exists() else []  # [digest, file installed]
    covered = {"requirements-dev.txt": {"requirements-dev.txt"},
               "requirements.txt": {"requirements.txt", "requirements-dev.txt"}}[requirements]
    if len(done) == 2 and done[0] == digest and done[1] in covered:
        return
    say(f"installing {requirements} (first time only)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements)
    stamp.write_text(f"{digest} {requirements}")


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit("The browser tests need Debian's chromium at /usr/bin/chromium: "
                 "run 'apt-get install chromium' as root, then try again.")
    say("installing Debian's chromium for the browser tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-q", env=env)
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium", "fonts-dejavu-core", env=env)


def ensure_voice_tools() -> None:
    """espeak-ng and sox, which make the listening tests' films (tests/conversation_films.py)."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit(f"The listening tests need Debian's {' and '.join(missing)}: "
                 f"run 'apt-get install {' '.join(missing)}' as root, then try again.")
    say(f"installing Debian's {' and '.join(missing)} for the listening tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-q", env=env)
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)


def answering(base: str = f"http://{HOST}:{PORT}") -> bool:
    """Whether a workbook answers at ``base`` (a refusal without the session cookie is an answer).
    The browser tests ask the same of the servers they start."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def open_browser_when_ready(url: str) -> None:
    for _ in range(120):
        if answering():
            break
        time.sleep(0.5)
    say(f"the workbook is at {url}")
    say("that link lets this browser in, once and within 15 minutes; run this command again for a new one "
        "(Ctrl+C here stops the workbook)")
    webbrowser.open(url)


def cmd_run() -> int:
    ensure_venv("requirements.txt")
    folder = Path(run(PYTHON, "-m", "vig_core", "data-dir", cwd=ROOT, capture_output=True, text=True).stdout.strip())
    key = run(PYTHON, "-m", "vig_core", "launch-key", cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if (folder / "vault.json").is_file():  # encrypted: the demo cases were made before; the app asks the passphrase
        url = f"http://{HOST}:{PORT}/?key={key}"
    else:
        demo = run(PYTHON, "-m", "vig_core", "demo", cwd=ROOT, capture_output=True, text=True).stdout.strip()
        url = f"http://{HOST}:{PORT}/case?case={demo}&key={key}"  # straight to the demo case's "Where we are"
    if answering():  # running already: only let this browser in
        say(f"the workbook is running already; opening {url}")
        webbrowser.open(url)
        return 0
    threading.Thread(target=open_browser_when_ready, args=(url,), daemon=True).start()
    app = subprocess.Popen([str(PYTHON), "-m", "streamlit", "run", "app.py", "--server.port", str(PORT)], cwd=ROOT)
    signal.signal(signal.SIGTERM, lambda *_: app.terminate())  # stopped by another program: the app stops too
    try:
        return app.wait()
    except KeyboardInterrupt:
        app.terminate()
        return app.wait()


def lint() -> int:
    """``ruff check`` over the whole tree (the rules are in pyproject.toml); nonzero when it finds anything."""
    found = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    if found:
        say("ruff found the problems above; 'ruff check --fix .' mends many of them")
    return found


def cmd_test(pytest_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    ensure_chromium()
    ensure_voice_tools()
    return lint() or subprocess.call([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT)


def cmd_bench(bench_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    ensure_chromium()
    ensure_voice_tools()
    return subprocess.call([str(PYTHON), "bench/run_all.py", *bench_args], cwd=ROOT)


def main(argv: list[str]) -> int:
    commands = {"run": cmd_run, "test": lambda: cmd_test(argv[1:]), "bench": lambda: cmd_bench(argv[1:])}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[argv[0]]()
    except subprocess.CalledProcessError as error:
        say(f"setup step failed: {' '.join(map(str, error.cmd))}")
        return error.returncode or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
