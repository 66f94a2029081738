"""choose_placement: where a model runs for each request and GPU count."""

from __future__ import annotations

import pytest

from homevoice.engines.device import Placement, choose_placement
from homevoice.errors import ConfigError


@pytest.mark.parametrize(
    ("device", "compute", "gpus", "expected"),
    [
        ("auto", "auto", 0, Placement("cpu", "int8")),
        ("auto", "auto", 1, Placement("cuda", "float16")),
        ("auto", "auto", 4, Placement("cuda", "float16")),
        ("auto", "float32", 0, Placement("cpu", "float32")),
        ("auto", "int8_float16", 1, Placement("cuda", "int8_float16")),
        ("cpu", "auto", 0, Placement("cpu", "int8")),
        ("cpu", "auto", 1, Placement("cpu", "int8")),
        ("cpu", "float32", 0, Placement("cpu", "float32")),
        ("cpu", "int8_float32", 1, Placement("cpu", "int8_float32")),
        ("cuda", "auto", 1, Placement("cuda", "float16")),
        ("cuda", "int8", 1, Placement("cuda", "int8")),
        ("cuda", "float32", 2, Placement("cuda", "float32")),
    ],
)
def test_choose_placement(device: str, compute: str, gpus: int, expected: Placement) -> None:
    assert choose_placement(device, compute, gpus) == expected


@pytest.mark.parametrize("compute", ["auto", "float16"])
def test_cuda_without_a_gpu_is_a_config_error(compute: str) -> None:
    with pytest.raises(ConfigError) as info:
        choose_placement("cuda", compute, 0)
    assert info.value.code == "invalid_config"
    message = str(info.value)
    assert "HOMEVOICE_STT__DEVICE" in message
    assert "[gpu]" in message
