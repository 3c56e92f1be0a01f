import sys
from pathlib import Path

# Helper modules beside the tests (doc_commands) import by plain name.
sys.path.insert(0, str(Path(__file__).parent))
