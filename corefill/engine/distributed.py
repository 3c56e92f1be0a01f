"""Multi-process training through ``torchrun`` (DistributedDataParallel).

``torchrun`` sets WORLD_SIZE / RANK / LOCAL_RANK; without them everything here is a
no-op for a single process. Only rank 0 writes files and logs.
"""
from __future__ import annotations

import os
from datetime import timedelta
from dataclasses import dataclass

import torch
import torch.distributed as dist

from .speed import configure


@dataclass(frozen=True)
class DistInfo:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def from_env() -> DistInfo:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistInfo()
    return DistInfo(int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0")))


def resolve_device(requested: str, info: DistInfo) -> torch.device:
    """The device this training process runs on, with the process configured for it
    (speed.configure: cuDNN autotuning on CUDA, the allocator keeping freed memory on CPU)."""
    device = _device(requested, info)
    configure(device)
    return device


def _device(requested: str, info: DistInfo) -> torch.device:
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda":
        if not torch.cuda.is_available():
            from ..errors import CorefillError

            raise CorefillError("device 'cuda' requested but CUDA is not available")
        index = info.local_rank if info.enabled else torch.cuda.current_device()
        torch.cuda.set_device(index)
        return torch.device("cuda", index)
    return torch.device("cpu")


TIMEOUT = timedelta(hours=2)  # the longest any collective waits for the other ranks


def init(info: DistInfo, device: torch.device) -> bool:
    """Start the process group (gloo on CPU, NCCL on GPU); True if this call started it."""
    if not info.enabled or dist.is_initialized():
        return False
    from .rendezvous import fresh_store

    backend = "nccl" if device.type == "cuda" else "gloo"
    # Every collective waits at most TIMEOUT: ranks > 0 wait while rank 0 validates and
    # evaluates (FID can take a while), so it is generous.
    # A store of this round's own: torchrun's shared one holds the keys of the ranks a
    # restart replaced (rendezvous.py), which made restarts fail in connectFullMesh.
    store = fresh_store(info.rank, info.world, TIMEOUT)
    dist.init_process_group(backend=backend, rank=info.rank, world_size=info.world,
                            timeout=TIMEOUT, **({"store": store} if store is not None else {}))
    return True


def shutdown(started: bool) -> None:
    if started and dist.is_initialized():
        dist.destroy_process_group()


def wrap(module: torch.nn.Module, info: DistInfo, device: torch.device) -> torch.nn.Module:
    if not info.enabled:
        return module
    from torch.nn.parallel import DistributedDataParallel

    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=ids)


def barrier(info: DistInfo) -> None:
    if info.enabled:
        dist.barrier()


def any_rank(flag: bool, info: DistInfo, device: torch.device) -> bool:
    """True on every rank if ``flag`` is True on any rank (keeps stop decisions in sync)."""
    if not info.enabled:
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item() > 0)


def from_main(value, info: DistInfo):
    """Rank 0's ``value`` (any picklable object) on every rank."""
    if not info.enabled:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]
