import sys
from pathlib import Path

# The toy components are registered by import path ("toy_components:..."), so their
# folder must be importable, here and in the subprocesses the tests start.
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
