import os
import sys

from vig_core.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # the reader went away (`... | head`): no traceback for that
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit would fail too
    sys.exit(1)
