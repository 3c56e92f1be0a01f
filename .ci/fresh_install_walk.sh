#!/usr/bin/env bash
# The README's first command, verbatim, as a newcomer runs it: a copy of the repository
# with no venv and no build files, an empty HOME (no caches: FID weights, pip, torch hub),
# then the headline recipe (only `-o train.max_steps=...` appended, to keep CI short) and
# `corefill inpaint` on a user's own 16-bit image and stroke with the checkpoint it wrote.
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

# The user's next step in the same fresh install: their own 16-bit image of another size
# and a painted stroke through `corefill inpaint` (the default strategy).
venv="$work/repo/.venv/bin"
"$venv/python" - "$work/user" <<'PY'
import sys, pathlib, cv2, numpy as np
root = pathlib.Path(sys.argv[1])
(root / "images").mkdir(parents=True), (root / "masks").mkdir()
rows, cols = np.mgrid[:150, :200]
image = (30000 + 20000 * np.sin(rows / 17.0) * np.cos(cols / 23.0)).astype(np.uint16)
hole = np.zeros(image.shape, np.uint8)
cv2.line(hole, (10, 140), (190, 20), 255, 5)
cv2.imwrite(str(root / "images" / "scan.png"), image)
cv2.imwrite(str(root / "masks" / "scan.png"), hole)
PY
(cd "$work/repo" && HOME="$work/home" "$venv/corefill" inpaint --checkpoint runs/knee/checkpoints/last.pt \
  "$work/user/images" --masks "$work/user/masks" --out "$work/user/out")
"$venv/python" - "$work/user" <<'PY'
import sys, pathlib, cv2
root = pathlib.Path(sys.argv[1])
image = cv2.imread(str(root / "images" / "scan.png"), cv2.IMREAD_UNCHANGED)
result = cv2.imread(str(root / "out" / "scan_inpainted.png"), cv2.IMREAD_UNCHANGED)
hole = cv2.imread(str(root / "masks" / "scan.png"), cv2.IMREAD_UNCHANGED) > 0
assert result.dtype == image.dtype and result.shape == image.shape, (result.dtype, result.shape)
assert (result[~hole] == image[~hole]).all(), "known pixels changed"
print("fresh-install inpaint ok:", result.shape, result.dtype)
PY
