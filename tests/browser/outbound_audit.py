"""Run ``streamlit`` with a Python audit hook that notes every look-up of a host name and every
network connection that leaves the machine (tests: the workbook must never call out).

    python outbound_audit.py LOG_FILE run app.py --server.port N
"""

import runpy
import sys

LOCAL = ("127.", "::1", "localhost", "0.0.0.0", "::ffff:127.")
log = open(sys.argv[1], "a", buffering=1)  # noqa: SIM115 - open for the life of the server


def note(event: str, args: tuple) -> None:
    if event == "socket.connect" and isinstance(args[1], tuple):  # (host, port): not a Unix socket
        host = str(args[1][0])
        if not host.startswith(LOCAL):
            log.write(f"connect {args[1]!r}\n")
    elif event == "socket.getaddrinfo" and args[0]:
        host = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        if not host.startswith(LOCAL):
            log.write(f"lookup {host}\n")


sys.addaudithook(note)
sys.argv = ["streamlit", *sys.argv[2:]]
runpy.run_module("streamlit", run_name="__main__")
