import sys
from pathlib import Path

# The engine tests' toy components are registered by import path ("toy_components:...").
ENGINE = Path(__file__).resolve().parent.parent / "engine"
if str(ENGINE) not in sys.path:
    sys.path.insert(0, str(ENGINE))
