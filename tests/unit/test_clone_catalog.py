"""The voice cloning model in the catalog and the registry, checked without its libraries."""

from __future__ import annotations

import subprocess
import sys

from homevoice.engines.catalog import (
    ALL_MODELS,
    CATALOG,
    CLONERS,
    VOICES,
    EngineName,
    HubSource,
    find_any,
    find_cloner,
    find_model,
    find_voice,
)
from homevoice.engines.registry import BACKENDS, install_hint


def test_xtts_is_a_pullable_cloning_model_apart_from_models_and_voices() -> None:
    spec = find_cloner("xtts-v2")
    assert spec is not None and spec in CLONERS and spec in ALL_MODELS
    assert spec not in CATALOG and spec not in VOICES  # never in /v1/models nor among voices
    assert find_model("xtts-v2") is None and find_voice("xtts-v2") is None
    assert find_any("xtts-v2") is spec
    assert spec.engine == EngineName.XTTS == "xtts-v2"
    assert isinstance(spec.source, HubSource) and spec.source.repo_id == "coqui/XTTS-v2"
    assert set(spec.source.allow_patterns) == {
        "model.pth",
        "config.json",
        "vocab.json",
        "speakers_xtts.pth",
        "hash.md5",
    }
    assert spec.languages and "ru" in spec.languages and "en" in spec.languages
    assert all(len(code) == 2 for code in spec.languages)
    assert spec.licence and "Coqui Public Model License" in spec.licence and "non-commercial" in spec.licence


def test_the_backend_is_the_clone_extra() -> None:
    backend = BACKENDS[EngineName.XTTS]
    assert backend.capability == "clone" and backend.extra == "clone"
    assert backend.module == "homevoice.engines.clone.xtts" and backend.attribute == "XttsCloner"
    assert backend.requires[:2] == ("TTS", "torch")
    hint = install_hint(backend)
    assert "pip install 'homevoice[clone]'" in hint and "make install-clone" in hint
    assert install_hint(BACKENDS[EngineName.PIPER]) == "reinstall homevoice"


def test_nothing_heavy_is_imported_until_the_cloner_is_loaded() -> None:
    code = (
        "import sys\n"
        "import homevoice.engines.clone.loading, homevoice.engines.clone\n"
        "print(','.join(sorted(m for m in sys.modules if m in {'torch', 'TTS', 'torchaudio', 'transformers'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
