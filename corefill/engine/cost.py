"""What a model costs beside what it scores: inference latency per image at batch 1 and at
the evaluation batch, and peak memory, on the device the evaluation ran on."""
from __future__ import annotations

import statistics
import time
from typing import Any

import torch

from .composite import complete
from .data import middle

REPEATS = 3  # timed runs after one warm-up; the median is reported


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _slice(batch: dict[str, Any], count: int) -> dict[str, Any]:
    return {k: (v[:count] if isinstance(v, (torch.Tensor, list)) else v) for k, v in batch.items()}


def _seconds_per_image(model, batch: dict[str, Any], value_range, device) -> float:
    count = batch["mask"].shape[0]
    times = []
    for repeat in range(REPEATS + 1):
        _sync(device)
        start = time.perf_counter()
        complete(model.forward, batch, model.region, model.blend, middle(value_range))
        _sync(device)
        if repeat:  # the first run warms caches and kernels up
            times.append((time.perf_counter() - start) / count)
    return statistics.median(times)


def reset_peak_rss() -> bool:
    """Reset this process's peak resident memory (Linux: ``/proc/self/clear_refs``), so
    that :func:`peak_rss_mib` covers only what runs next; False where it cannot be."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_rss_mib() -> float:
    """This process's peak resident memory (MiB) since the last reset (or its start)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # not on Windows
        return float("nan")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@torch.no_grad()
def measure(model, batch: dict[str, Any], value_range, device: torch.device) -> dict[str, Any]:
    """``{"device", "batch_size", "ms_per_image_batch1", "ms_per_image_batch",
    "peak_memory_mib", "memory_kind"}`` for one model on one (device-resident) batch."""
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    per_model = device.type != "cuda" and reset_peak_rss()
    single = _seconds_per_image(model, _slice(batch, 1), value_range, device)
    batched = _seconds_per_image(model, batch, value_range, device)
    if device.type == "cuda":
        peak, kind = torch.cuda.max_memory_allocated(device) / 2**20, "CUDA max allocated, this model"
        name = torch.cuda.get_device_name(device)
    else:
        peak = peak_rss_mib()
        kind = ("process peak RSS while this model ran" if per_model
                else "process peak RSS so far (this system cannot reset it per model)")
        name = "cpu"
    return {"device": name, "batch_size": int(batch["mask"].shape[0]),
            "ms_per_image_batch1": round(single * 1000, 3),
            "ms_per_image_batch": round(batched * 1000, 3),
            "peak_memory_mib": round(peak, 1), "memory_kind": kind}
