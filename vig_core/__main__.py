import sys

from vig_core.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # the reader went away (`... | head`): no traceback for that
    sys.stdout = None  # nor for Python's own flush of it at exit
    sys.exit(1)
