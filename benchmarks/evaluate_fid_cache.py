"""`corefill evaluate`'s time with and without FID's real-feature cache, in one process.

Without the cache every model (the trained one and each baseline) runs Inception on the
test split's real images again; with it the real images go through Inception once.
Usage: python benchmarks/evaluate_fid_cache.py [RECIPE] [--checkpoint RUN/checkpoints/best.pt]
       [-o KEY=VALUE ...]
Prints each evaluation's seconds and the images it ran through Inception (the seconds
depend on the machine's load; the image counts do not).
"""
from __future__ import annotations

import argparse
import tempfile
import time

from corefill.config import load_recipe
from corefill.engine import evaluate, load_generator
from corefill.metrics import fid


_SEEN = {"images": 0}  # images through Inception: the load-independent measure
_features = fid.FIDMetric.features


def _counted(self, images):
    _SEEN["images"] += images.shape[0]
    return _features(self, images)


fid.FIDMetric.features = _counted


def _timed(recipe, generator, folder: str) -> tuple[float, dict, int]:
    fid.REAL_FEATURES.clear()
    _SEEN["images"] = 0
    start = time.perf_counter()
    report = evaluate(recipe, generator, folder=folder, checkpoint_label="benchmark")
    return time.perf_counter() - start, report, _SEEN["images"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe", nargs="?", default="recipes/knee.yaml")
    parser.add_argument("--checkpoint", default=None,
                        help="a trained checkpoint to score beside the baselines")
    parser.add_argument("-o", "--override", dest="overrides", action="append", default=[])
    args = parser.parse_args()
    recipe = load_recipe(args.recipe, tuple(args.overrides))
    if "fid" not in [m.name for m in recipe.metrics]:
        raise SystemExit(f"{args.recipe}: has no fid metric; nothing to cache")
    generator = load_generator(args.checkpoint)[0] if args.checkpoint else None
    with tempfile.TemporaryDirectory() as folder:
        # Warm-up without FID: builds (and preprocesses) the splits once, as a run has.
        warm = load_recipe(args.recipe, tuple(args.overrides) + ("metrics=[psnr_hole]",))
        evaluate(warm, generator, folder=folder, checkpoint_label="warm-up")
        fid.REAL_FEATURES.enabled = False
        without, report, seen_without = _timed(recipe, generator, folder)
        fid.REAL_FEATURES.enabled = True
        with_cache, cached, seen_with = _timed(recipe, generator, folder)
        hits, misses = fid.REAL_FEATURES.hits, fid.REAL_FEATURES.misses
    models, images = len(report["models"]), report["images"]
    print(f"{args.recipe}: {models} models (trained: {'yes' if generator else 'no'}), "
          f"{images} test images")
    print(f"  without the cache: {without:7.1f} s  ({models} real + {models} fake passes: "
          f"{seen_without} images through Inception)")
    print(f"  with the cache:    {with_cache:7.1f} s  (1 real + {models} fake passes: "
          f"{seen_with} images; real batches: {misses} computed, {hits} reused)")
    print(f"  saved: {without - with_cache:.1f} s ({1 - with_cache / without:.0%})")
    same = all(abs(report["models"][k]["metrics"]["fid"] - cached["models"][k]["metrics"]["fid"])
               < 1e-6 * max(1.0, report["models"][k]["metrics"]["fid"]) for k in report["models"])
    print(f"  FID values identical: {same}")


if __name__ == "__main__":
    main()
