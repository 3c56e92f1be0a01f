#!/usr/bin/env bash
# The README's first command, verbatim, as a newcomer runs it: a copy of the repository
# with no venv and no build files, an empty HOME (no caches: FID weights, pip, torch hub),
# then the headline recipe. Only `-o train.max_steps=...` is appended, to keep CI short.
# A dependency the README's install line misses fails here.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
steps="${FRESH_WALK_STEPS:-20}"

command="$(python3 "$repo/.ci/readme_commands.py" first "$repo/README.md")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo" "$work/home"
# Tracked and untracked-but-not-ignored files: what a fresh clone of this tree holds.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$repo" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$work/repo"

echo "fresh-install walk: $command -o train.max_steps=$steps"
cd "$work/repo"
# The machine's environment (pip's settings included), minus any active venv; python3 is
# the interpreter itself, so that a shim that looks under HOME is not needed.
python_dir="$(dirname "$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')")"
clean_path="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/\.venv' | paste -sd: -)"
env -u VIRTUAL_ENV -u PYTHONPATH -u COREFILL_CACHE -u TORCH_HOME -u XDG_CACHE_HOME \
  PATH="$python_dir:$clean_path" HOME="$work/home" \
  bash -c "set -euo pipefail; $command -o train.max_steps=$steps"

run="$work/repo/runs/knee"
python3 - "$run/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
trained = report["models"]["trained"]["metrics"]
assert "fid" in trained, f"no FID in the report: {trained}"
print("fresh-install walk ok:", {k: round(v, 3) for k, v in trained.items()})
PY
test -s "$run/checkpoints/last.pt"
test -s "$work/home/.cache/corefill/fid/pt_inception-from-fid-helper-default_1.pth"
