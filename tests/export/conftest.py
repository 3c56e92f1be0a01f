import sys
from pathlib import Path

# The engine tests' toy components are registered by import path ("toy_components:..."),
# so their folder (and this one, for the export toys) must be importable.
HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent / "engine"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
