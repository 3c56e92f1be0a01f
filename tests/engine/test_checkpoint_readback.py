"""A checkpoint is verified before it replaces the previous one: a file that does not read
back whole is refused (the previous last.pt stays)."""
import pytest
import torch

from corefill.engine import checkpoint
from corefill.errors import CheckpointError


def test_a_truncated_write_is_refused_and_the_previous_last_pt_stays(tmp_path, monkeypatch):
    last = tmp_path / "checkpoints" / "last.pt"
    checkpoint.save(last, {"step": 1, "w": torch.ones(300, 300)})
    real_save = torch.save

    def truncated_save(state, stream):  # a disk that loses the end of the file
        real_save(state, stream)
        stream.truncate(stream.tell() // 2)

    monkeypatch.setattr(torch, "save", truncated_save)
    with pytest.raises(CheckpointError, match="does not read back"):
        checkpoint.save(last, {"step": 2, "w": torch.zeros(300, 300)})
    assert torch.load(last, weights_only=True)["step"] == 1
    assert not list(last.parent.glob("*.tmp"))
