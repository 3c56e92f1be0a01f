"""How a training process runs fast on its device without changing what it computes
beyond float rounding: the host allocator, cuDNN autotuning, mixed precision and the
memory layout (the recipe's ``train.precision`` and ``train.memory_format``).

Measured on a 2-core AMD EPYC (benchmarks/pix2pix_throughput.py, docs/benchmarks.md):
glibc's default allocator returns big freed blocks to the OS and faults them in again on
the next step; keeping them is the largest CPU win after fused Adam. CPU autocast slowed
CPU training, so on CPU it stays off; channels_last slowed pix2pix's wide convolutions and
sped the knee's narrow ones, so on CPU it is the recipe's choice.
"""
from __future__ import annotations

import ctypes
import platform
from dataclasses import dataclass
from typing import Optional

import torch

# glibc <malloc.h> mallopt parameters and their documented defaults.
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
_GLIBC_DEFAULTS = {_M_TRIM_THRESHOLD: 128 * 1024, _M_MMAP_MAX: 65536}
_KEEP = {_M_TRIM_THRESHOLD: 2**31 - 1, _M_MMAP_MAX: 0}


def _glibc() -> Optional[ctypes.CDLL]:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def keep_freed_memory(keep: bool = True) -> bool:
    """Keep freed memory in the process (``keep=False``: glibc's defaults again).

    By default glibc serves blocks over 128 KiB with mmap, unmaps them when freed and trims
    the heap's free top: every training step then faults its activations and gradients in
    again, zeroed by the kernel (92 000 page faults and ≈ 0.3 s of system time per batch-1
    pix2pix 256² step). Kept, the next step reuses them. Memory a run freed is not given
    back to the OS until it exits. True if applied (glibc only; a no-op elsewhere)."""
    libc = _glibc()
    if libc is None:
        return False
    for param, value in (_KEEP if keep else _GLIBC_DEFAULTS).items():
        if libc.mallopt(param, value) != 1:
            return False
    return True


def configure(device: torch.device) -> None:
    """Process-wide settings for training on ``device``."""
    if device.type == "cuda":  # fixed image sizes: let cuDNN pick the fastest kernels once
        torch.backends.cudnn.benchmark = True
    else:
        keep_freed_memory(True)


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Mixed precision and memory layout of a run: ``autocast_dtype`` None = fp32;
    ``scaler``: fp16 gradients need a GradScaler; ``memory_format`` of images and convs."""

    autocast_dtype: Optional[torch.dtype] = None
    scaler: bool = False
    memory_format: torch.memory_format = torch.contiguous_format


_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def plan(train, device: torch.device) -> Plan:
    """What ``train`` (a recipe's TrainSettings) means on ``device``. CPU runs fp32 whatever
    the recipe says (bf16 autocast made a CPU step up to 40x slower) and contiguous unless
    the recipe asks for channels_last (it slowed pix2pix's step 12%, sped the knee one's
    6-15%)."""
    layout = getattr(train, "memory_format", "auto")
    if device.type != "cuda":
        return Plan(memory_format=torch.channels_last if layout == "channels_last"
                    else torch.contiguous_format)
    precision = getattr(train, "precision", "fp32")
    if precision == "auto":
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    dtype = _DTYPES.get(precision)
    # Tensor cores read NHWC: channels_last pays with reduced precision, not in fp32.
    channels_last = layout == "channels_last" or (layout == "auto" and dtype is not None)
    return Plan(autocast_dtype=dtype, scaler=dtype == torch.float16,
                memory_format=torch.channels_last if channels_last else torch.contiguous_format)


def apply_layout(module: torch.nn.Module, plan_: Plan) -> torch.nn.Module:
    """``module`` with its 4-D weights in the plan's memory format (in place)."""
    if plan_.memory_format is not torch.contiguous_format:
        module.to(memory_format=plan_.memory_format)
    return module
