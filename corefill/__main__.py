"""``python -m corefill``: the same as the ``corefill`` command."""
from .cli import main

if __name__ == "__main__":
    main()
