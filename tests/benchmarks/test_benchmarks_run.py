"""The benchmarks the docs quote still run and print their figures (a few steps each:
the figures themselves are measured by hand, never asserted on speed)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
RATIO = re.compile(r"engine / eager: ([0-9.]+)x best rounds, ([0-9.]+)x median")


def bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("script, args", [
    ("knee_throughput.py", ["--rounds", "2", "--steps", "2"]),
    ("pix2pix_throughput.py", ["--rounds", "1", "--steps", "1"]),
])
def test_engine_vs_eager_prints_both_loops_and_their_ratio(script, args):
    out = bench(script, *args, "--device", "cpu")
    ratio = RATIO.search(out)
    assert ratio, out
    assert float(ratio.group(1)) > 0 and float(ratio.group(2)) > 0
    rows = re.findall(r"^\s+(eager loop|corefill engine) .*?\s([0-9.]+)\s+([0-9.]+)$", out, re.M)
    assert [name for name, *_ in rows] == ["eager loop", "corefill engine"], out
    assert "e+" not in out  # throughput to three figures, never in exponent form


def test_ddp_scaling_launches_one_and_two_gloo_processes():
    out = bench("ddp_scaling.py", "--rounds", "1", "--steps", "2", "--warmup", "1", "--batch", "8")
    assert re.search(r"1 process\(es\), 2 thread\(s\) each: [0-9.]+ img/s", out), out
    assert re.search(r"2 process\(es\), 1 thread\(s\) each: [0-9.]+ img/s", out), out
    assert re.search(r"scaling ratio \(2/1\) [0-9.]+$", out.strip()), out


def test_fid_layout_prints_both_layouts_their_ratio_and_the_feature_difference():
    out = bench("fid_layout.py", "--images", "2", "--size", "32", "--rounds", "1")
    rows = re.findall(r"^\s+(contiguous|channels_last)\s+([0-9.]+)\s+([0-9.]+)$", out, re.M)
    assert [name for name, *_ in rows] == ["contiguous", "channels_last"], out
    assert re.search(r"channels_last / contiguous: [0-9.]+x best rounds, [0-9.]+x median", out), out
    difference = float(re.search(r"largest feature difference: (\S+)", out).group(1))
    assert difference < 1e-3, out


@pytest.fixture(scope="module")
def knee_checkpoint(tmp_path_factory):
    run = tmp_path_factory.mktemp("knee") / "run"
    subprocess.run([sys.executable, "-m", "corefill", "run", str(ROOT / "recipes" / "knee.yaml"),
                    "-o", "train.max_steps=2", "-o", "metrics=[psnr_hole]", "-o", "baselines=[]",
                    "--out", str(run)], check=True, capture_output=True, timeout=600)
    return str(run / "checkpoints" / "last.pt")


def test_held_out_holes_prints_every_group_and_the_averages(knee_checkpoint):
    out = bench("held_out_holes.py", "--checkpoint", knee_checkpoint, "--crops", "1")
    for hole in ("quarter box", "small box", "stroke"):
        cells = re.search(rf"^\| {hole} \|(.*)\|$", out, re.M)
        assert cells and len(re.findall(r"[+-][0-9.]+ / [+-][0-9.]+", cells.group(1))) == 4, out
    assert re.search(r"^all holes: model [+-][0-9.]+ dB over harmonic \(95% interval", out, re.M)
    assert re.search(r"^small boxes and strokes: model [+-][0-9.]+ dB", out, re.M), out


def test_inpaint_folder_prints_both_strategies(knee_checkpoint):
    out = bench("inpaint_folder.py", "--checkpoint", knee_checkpoint, "--images", "2",
                "--rounds", "1")
    for strategy in ("resize", "crop"):
        assert re.search(rf"^\s*{strategy}: [0-9.]+ images/s best, [0-9.]+ median$", out, re.M), out
