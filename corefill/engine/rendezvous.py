"""The process group's store: a fresh one for every (re)start of the workers.

Why: torchrun (c10d rendezvous) hands its workers its own TCPStore
(``TORCHELASTIC_USE_AGENT_STORE=True``, at ``MASTER_ADDR:MASTER_PORT``) and keeps that
store across restarts, and ``init_process_group``'s default ``env://`` connects to it
with no per-restart prefix. After a worker is killed, the restarted ranks find the keys
the dead ranks wrote (Gloo's full-mesh addresses, NCCL's unique id) and connect to dead
ports: Gloo's connectFullMesh fails with "Connection refused" on every restart
(pytorch/pytorch#135712). ``TORCHELASTIC_RESTART_COUNT`` cannot tell restarts apart
either: each node's agent counts only its own.

So here rank 0 hosts a new TCPStore on a free port, puts a new token in it, and
publishes ``host:port:token`` in torchrun's store; the other ranks use a published
address only once its store answers with that token (one left by an earlier round points
to a store that died with its rank 0, so they read the key again). Without torchrun's
shared store (plain ``env://``, ``TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1``) rank 0 already
hosts a fresh store each round and nothing here is needed.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from typing import Optional

import torch.distributed as dist

from ..errors import CorefillError

KEY = "corefill/process_group_store"
TOKEN = "corefill/token"
PROBE = timedelta(seconds=5)  # connecting to a published address: dead ones fail fast


def shares_agent_store() -> bool:
    return os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True" and \
        bool(os.environ.get("MASTER_ADDR")) and bool(os.environ.get("MASTER_PORT"))


def fresh_store(rank: int, world: int, timeout: timedelta,
                wait: timedelta = timedelta(minutes=10)) -> Optional[dist.Store]:
    """A store no earlier round wrote to, or None where the default ``env://`` is fresh.
    ``wait``: how long ranks > 0 wait for rank 0's store (then a CorefillError)."""
    if not shares_agent_store():
        return None
    host, port = os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])
    agent = dist.TCPStore(host, port, world, is_master=False, timeout=wait)
    if rank == 0:
        store = dist.TCPStore(host, 0, world, is_master=True, timeout=timeout,
                              wait_for_workers=False)
        token = uuid.uuid4().hex
        store.set(TOKEN, token)
        agent.set(KEY, f"{host}:{store.port}:{token}")
        return store
    return _join(agent, world, timeout, time.monotonic() + wait.total_seconds())


def _join(agent: dist.Store, world: int, timeout: timedelta, deadline: float) -> dist.Store:
    """The store rank 0 of this round published (its token answers), read until then."""
    seen = ""
    while time.monotonic() < deadline:
        published = agent.get(KEY).decode()
        host, port, token = published.rsplit(":", 2)
        store = _answering(host, int(port), token, world)
        if store is not None:
            store.set_timeout(timeout)
            return store
        seen = published
        time.sleep(0.2)  # an earlier round's address: rank 0 has not published yet
    raise CorefillError(f"rank 0's process-group store never answered (last published: "
                        f"{seen or 'none'}); is rank 0 running?")


def _answering(host: str, port: int, token: str, world: int) -> Optional[dist.Store]:
    try:
        store = dist.TCPStore(host, port, world, is_master=False, timeout=PROBE,
                              wait_for_workers=False)
        return store if store.get(TOKEN).decode() == token else None
    except (RuntimeError, ValueError, OSError):  # dead port, or a different store
        return None
