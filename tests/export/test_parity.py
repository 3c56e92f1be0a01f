"""Every shipped generator, built through the registry with a BuildContext (tiny widths),
exported to ONNX (run in onnxruntime) and TorchScript (run in torch): the same outputs as
the PyTorch module on the same inputs, at batch sizes 1 and 3."""
import json

import pytest
import torch

from corefill.engine.inference import exported
from corefill.export import writer
from corefill.plugins import resolve_registries
from corefill.registry import BuildContext, build

# name -> (params, channels, input channels, size, value range, hole box side or None)
GENERATORS = {
    "context-encoder": ({"image_size": 32, "hole_size": 16, "base_channels": 4,
                         "max_channels": 16}, 1, 1, 32, (-1.0, 1.0), 16),
    "cifar-context-encoder": ({"image_size": 32, "hole_size": 16, "base_channels": 4},
                              3, 3, 32, (-1.0, 1.0), 16),
    "completion-autoencoder": ({"base_channels": 4, "depth": 2}, 1, 1, 32, (0.0, 1.0), None),
    "kaggle-gan-generator": ({"base_channels": 4, "max_channels": 16, "depth": 2},
                             3, 3, 32, (-1.0, 1.0), None),
    "unet": ({"architecture": "unet_128", "base_channels": 4}, 1, 4, 128, (-1.0, 1.0), None),
}


def _inputs(name, batch, seed):
    _, channels, in_channels, size, (low, high), box = GENERATORS[name]
    g = torch.Generator().manual_seed(seed)
    image = torch.rand(batch, in_channels, size, size, generator=g) * (high - low) + low
    mask = torch.zeros(batch, 1, size, size)
    if box:  # the centre box the hole-box generator was built to fill
        start = (size - box) // 2
        mask[:, :, start:start + box, start:start + box] = 1.0
    else:  # free-form holes, one per sample
        for i in range(batch):
            top, left = torch.randint(0, size // 2, (2,), generator=g).tolist()
            mask[i, :, top:top + size // 3, left:left + size // 4] = 1.0
    return (image * (1 - mask) if name != "unet" else image), mask


@pytest.fixture(scope="module", params=sorted(GENERATORS))
def generator(request):
    name = request.param
    params, channels, in_channels, size, value_range, _ = GENERATORS[name]
    registries = resolve_registries(None)
    context = BuildContext(registries=registries, value_range=value_range, channels=channels,
                           input_channels=in_channels)
    torch.manual_seed(0)
    network = build(registries.get("generator", name), params, context)
    network.train()
    with torch.no_grad():  # moves BatchNorm's running statistics off their initial values
        for seed in range(2):
            network(*_inputs(name, 2, 100 + seed))
    return name, network.eval()


def _meta(name):
    _, channels, in_channels, size, value_range, box = GENERATORS[name]
    spec = {"version": 1, "size": [size, size], "channels": channels,
            "value_range": list(value_range), "masker": {"name": "none", "params": {}},
            "mask_polarity": "1=hole", "item_masks": False, "conditional_input": name == "unet",
            "input_channels": in_channels, "mask_channel": False,
            "output_region": "hole_box" if box else "full", "blend": "paste"}
    return exported.metadata(spec, seed=0, generator=name, checkpoint="test.pt")


@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_exported_generator_matches_pytorch_at_batch_1_and_3(generator, fmt):
    name, network = generator
    make = writer.onnx_bytes if fmt == "onnx" else writer.script_bytes
    data = make(network, _inputs(name, 2, 0), _meta(name))
    runner = writer.runner_from_bytes(fmt, data)
    for batch, seed in ((1, 1), (3, 2)):
        input, mask = _inputs(name, batch, seed)
        with torch.no_grad():
            expected = network(input, mask)
            got = runner(input, mask)
        assert got.shape == expected.shape and got.shape[0] == batch
        assert float((got - expected).abs().max()) <= 1e-4, (name, fmt, batch)
        assert float(expected.std()) > 0  # a real output, not a constant both agree on


def test_onnx_metadata_carries_the_data_spec(generator):
    import onnx

    name, network = generator
    model = onnx.load_model_from_string(writer.onnx_bytes(network, _inputs(name, 2, 0),
                                                          _meta(name)))
    props = {p.key: p.value for p in model.metadata_props}
    meta = exported.read_metadata(props["corefill"], "test")
    assert meta["data_spec"]["mask_polarity"] == props["mask_polarity"] == "1=hole"
    assert props["size"] == "x".join(str(n) for n in meta["data_spec"]["size"])
    assert props["conditional_input"] == json.dumps(name == "unet")
    batch_dims = [i.type.tensor_type.shape.dim[0] for i in model.graph.input]
    assert all(d.dim_param == "batch" for d in batch_dims)
