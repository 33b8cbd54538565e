"""``python -m nnviz``: the same as the ``nnviz`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
