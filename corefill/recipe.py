"""The recipe schema: what a YAML recipe may say, validated before any tensor exists."""
from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())


class ComponentRef(_Strict):
    """A registered component by name, with its params (checked against its Params)."""

    name: str = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        # `masker: center` is shorthand for `masker: {name: center}`.
        return {"name": value} if isinstance(value, str) else value


class WeightedLoss(ComponentRef):
    weight: float = Field(1.0, ge=0, description="multiplier of this loss in the total")


class DiscriminatorRef(ComponentRef):
    input: Literal["fill", "image", "conditional"] = Field(
        "image",
        description="what D sees: the hole's bounding-box crop, the whole image, "
        "or cat(input, image) as in pix2pix",
    )


# How a generator's fill joins the known pixels (GeneratorRef.blend, a checkpoint's data_spec).
BLENDS = ("paste", "poisson", "residual")


class GeneratorRef(ComponentRef):
    blend: Literal[BLENDS] = Field(
        "paste",
        description="how the fill joins the known pixels: paste = the generator's pixels as "
        "they are; poisson = gradient-domain blending (the fill's gradients inside the hole, "
        "the known pixels' values at its border; Iizuka et al. 2017 post-process this way); "
        "residual = the harmonic fill plus the generator's correction (the generator sees the "
        "hole holding the harmonic fill, its output less the value range's middle is added, "
        "its last layer starts at zero so training starts from the harmonic fill); "
        "in training, validation, test and inference alike",
    )


class DataSection(_Strict):
    dataset: ComponentRef
    batch_size: int = Field(16, ge=1)
    eval_batch_size: Optional[int] = Field(None, ge=1, description="default: batch_size")
    num_workers: int = Field(0, ge=0)
    splits: dict[Literal["train", "val", "test"], dict[str, Any]] = Field(
        default_factory=dict, description="per-split overrides of dataset params"
    )


class OptimizerSettings(_Strict):
    lr: float = Field(2e-4, gt=0)
    betas: tuple[float, float] = (0.5, 0.999)
    weight_decay: float = Field(0.0, ge=0)
    fused: Union[Literal["auto"], bool] = Field(
        "auto", description="Adam's fused kernel (one pass over all weights): auto = where "
        "the device has one (CPU, CUDA), else torch's default; false = torch's default "
        "(as the reference implementations train); true = fused or an error")


class SchedulerSettings(_Strict):
    name: Literal["none", "step", "linear"] = "none"
    step_size: int = Field(10, ge=1, description="StepLR: epochs between decays")
    gamma: float = Field(0.1, gt=0, description="StepLR: decay factor")
    decay_start: int = Field(0, ge=0, description="linear: epoch where decay to 0 begins")


class EarlyStopping(_Strict):
    metric: str = Field(description="validation metric key, e.g. psnr_hole or loss")
    patience: int = Field(5, ge=1)
    rule: Literal["patience", "bad-epochs"] = Field(
        "patience",
        description="patience: stop after N epochs without improvement; bad-epochs: +1 when "
        "worse, -1 when better (floor 0), stop at N (as the masked-autoencoder source does)",
    )


class TrainSettings(_Strict):
    max_epochs: int = Field(10, ge=0)
    max_steps: Optional[int] = Field(None, ge=1, description="stop training after this many "
                                     "steps (a cap: the report says so)")
    max_minutes: Optional[float] = Field(None, gt=0, description="stop training after this "
                                         "many minutes of training (a cap: the report says so)")
    checkpoint_every_minutes: Optional[float] = Field(
        10.0, gt=0, description="also write checkpoints/last.pt mid-epoch, at the first "
        "logging step after this many minutes since the last one (null: at epoch ends only)")
    checkpoint_every_steps: Optional[int] = Field(
        None, ge=1, description="also write last.pt mid-epoch at the first logging step at "
        "least this many steps after the last one (null: by time only)")
    generator_optimizer: OptimizerSettings = Field(default_factory=OptimizerSettings)
    discriminator_optimizer: OptimizerSettings = Field(default_factory=OptimizerSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    early_stopping: Optional[EarlyStopping] = None
    best_metric: Optional[str] = Field(None, description="validation key for best.pt")
    log_every: int = Field(10, ge=1, description="steps between logged losses")
    val_every: int = Field(1, ge=1, description="epochs between validations")
    sample_count: int = Field(8, ge=1, description="images in each sample grid")
    precision: Literal["auto", "fp32", "bf16", "fp16"] = Field(
        "auto", description="mixed precision, CUDA only (CPU always runs fp32): auto = bf16 "
        "where the GPU supports it, else fp16 with a loss scaler"
    )
    memory_format: Literal["auto", "channels_last", "contiguous"] = Field(
        "auto", description="layout of images and conv weights: auto = channels_last on "
        "CUDA with mixed precision, contiguous otherwise (on CPU it depends on the network)")
    tensorboard: bool = False


class Recipe(_Strict):
    """A whole run: data, masking, networks, losses, metrics, training, output."""

    name: str = Field(min_length=1)
    seed: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    data: DataSection
    masker: ComponentRef = Field(default_factory=lambda: ComponentRef(name="none"))
    generator: GeneratorRef
    discriminator: Optional[DiscriminatorRef] = None
    losses: list[WeightedLoss] = Field(min_length=1)
    metrics: list[ComponentRef] = Field(default_factory=list)
    baselines: list[ComponentRef] = Field(default_factory=list)
    train: TrainSettings = Field(default_factory=TrainSettings)
    test_outputs: bool = Field(
        False, description="write every test output of the trained generator to "
        "RUN/test_outputs/<item name>.png"
    )
    output_dir: str = "runs/{name}"
    notes: Optional[str] = Field(
        None, description="what the report should tell its reader about these results, "
        "printed under the verdict in report.md (e.g. why a metric trails a baseline)")

    @field_validator("output_dir")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    def component_refs(self) -> list[tuple[str, str, ComponentRef]]:
        """(dotted field, kind, ref) for every component the recipe names."""
        refs: list[tuple[str, str, ComponentRef]] = [
            ("data.dataset", "dataset", self.data.dataset),
            ("masker", "masker", self.masker),
            ("generator", "generator", self.generator),
        ]
        if self.discriminator is not None:
            refs.append(("discriminator", "discriminator", self.discriminator))
        refs += [(f"losses.{i}", "loss", r) for i, r in enumerate(self.losses)]
        refs += [(f"metrics.{i}", "metric", r) for i, r in enumerate(self.metrics)]
        refs += [(f"baselines.{i}", "generator", r) for i, r in enumerate(self.baselines)]
        return refs
