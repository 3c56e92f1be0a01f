"""Print the README's set-up commands: `first` (install + headline run) or `tests`.

The README opens with one fenced bash block holding exactly two commands, each under a
`# 1.` / `# 2.` comment; CI runs them as written.
"""
import re
import sys
from pathlib import Path


def setup_commands(readme: str) -> list[str]:
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    if block is None:
        raise SystemExit("README.md: no ```bash block with the set-up commands")
    lines = [line.strip() for line in block.group(1).splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    if len(commands) != 2:
        raise SystemExit(f"README.md: the set-up block must hold 2 commands, found {len(commands)}")
    return commands


if __name__ == "__main__":
    which, path = sys.argv[1], Path(sys.argv[2])
    first, tests = setup_commands(path.read_text(encoding="utf-8"))
    print(first if which == "first" else tests)
