"""The label-mean baseline: exact per-label means, both encodings, conformance."""
import pytest
import torch

from corefill.plugin import BuildContext, build
from corefill.testing import check_generator, registries


def baseline(channels=1, **params):  # built as the engine builds it
    return build(registries().get("generator", "label-mean"), params,
                 BuildContext(channels=channels, input_channels=4))


def _batches(encoding: str):
    gen = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 4, (3, 2, 16, 16), generator=gen)  # 3 batches of 2
    truth = torch.tensor([-1.0, -0.2, 0.3, 0.8])
    for batch in labels:
        image = truth[batch].unsqueeze(1) + 0.05 * torch.randn(2, 1, 16, 16, generator=gen)
        if encoding == "onehot":
            source = torch.nn.functional.one_hot(batch, 4).permute(0, 3, 1, 2).float()
        else:
            source = (batch.float() / 3 * 2 - 1).unsqueeze(1)
        yield {"input": source, "image": image, "mask": torch.ones(2, 1, 16, 16)}


@pytest.mark.parametrize("encoding", ["onehot", "scaled"])
def test_fit_learns_per_label_means_and_paints_them(encoding):
    batches = list(_batches(encoding))
    model = baseline().fit(batches)
    image = torch.cat([b["image"] for b in batches])
    source = torch.cat([b["input"] for b in batches])
    labels = source.argmax(1) if encoding == "onehot" else ((source[:, 0] + 1) * 1.5).round().long()
    for k in range(4):
        assert model.means[k, 0] == pytest.approx(float(image[:, 0][labels == k].mean()), abs=1e-5)
    out = model(source, None)
    assert out.shape == image.shape
    # painting means beats painting the global mean by a wide margin
    assert (out - image).abs().mean() < 0.5 * (image.mean() - image).abs().mean()


def test_unfitted_baseline_refuses_to_generate():
    with pytest.raises(RuntimeError, match="fit"):
        baseline()(torch.zeros(1, 4, 8, 8), None)


def test_label_mean_conforms_once_fitted():
    def factory():
        return baseline().fit(list(_batches("onehot")))

    check_generator(factory, input_channels=4, target_channels=1, size=32)


def test_painted_channels_follow_the_dataset():
    assert baseline().means.shape == (4, 1)
    assert baseline(channels=3, num_classes=5).means.shape == (5, 3)
    assert baseline(channels=3, out_channels=1).means.shape == (4, 1)
