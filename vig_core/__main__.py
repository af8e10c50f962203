import sys

from vig_core.cli import main

sys.exit(main())
