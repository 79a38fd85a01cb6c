"""Entry point of the frozen build: the same `lattice` command as from source."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
