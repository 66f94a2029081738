"""Where a model runs: a pure policy with the facts passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from homevoice.errors import ConfigError


@dataclass(frozen=True)
class Placement:
    device: str
    compute_type: str


def choose_placement(requested_device: str, requested_compute: str, cuda_devices: int) -> Placement:
    """``auto`` means CUDA with float16 when a GPU is visible, else the CPU with int8."""
    if requested_device == "cuda" and cuda_devices == 0:
        raise ConfigError(
            "HOMEVOICE_STT__DEVICE=cuda but no CUDA device is visible; install the [gpu] extra and "
            "the NVIDIA driver, or set the device to auto or cpu."
        )
    device = requested_device
    if device == "auto":
        device = "cuda" if cuda_devices > 0 else "cpu"
    compute = requested_compute
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    return Placement(device, compute)


CPU_PROVIDER = "CPUExecutionProvider"
CUDA_PROVIDER = "CUDAExecutionProvider"


def onnx_providers(requested_device: str, available: Sequence[str]) -> list[str]:
    """onnxruntime execution providers, best first; ``auto`` uses CUDA when onnxruntime has it."""
    has_cuda = CUDA_PROVIDER in available
    if requested_device == "cuda" and not has_cuda:
        raise ConfigError(
            "A voice was asked to run on CUDA, but this onnxruntime has no CUDA support; install "
            "onnxruntime-gpu instead of onnxruntime, or set the device to auto or cpu."
        )
    if requested_device in ("cuda", "auto") and has_cuda:
        return [CUDA_PROVIDER, CPU_PROVIDER]
    return [CPU_PROVIDER]
