"""XTTS-v2 voice cloning through coqui-tts (the ``[clone]`` extra).

The model is loaded by path from the folder `homevoice models pull xtts-v2` filled (``config.json``,
``model.pth``, ``vocab.json``), never by name: nothing is downloaded and coqui's licence prompt never
appears. A voice's conditioning (GPT latents and speaker embedding) is computed from the reference
samples directly, not through coqui's file reading (torchaudio, torchcodec and FFmpeg), and kept in
memory and in the voice's cache folder, so each reference is analysed once per model.

torch and TTS are imported here only: the registry imports this module when the engine is chosen.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from TTS.tts.configs.xtts_config import XttsConfig
from TTS.tts.models.xtts import Xtts

from homevoice.engines.base import ClonerInfo, SynthesisOptions, VoiceReference
from homevoice.engines.manifest import read_manifest
from homevoice.engines.tts.common import check_request, has_words, silence
from homevoice.errors import ConfigError, EngineError, ModelNotInstalledError

log = logging.getLogger(__name__)

ENGINE = "xtts-v2"
MODEL_FILES = ("config.json", "model.pth", "vocab.json")
CACHE_FORMAT = 1
"""Bumped when what the cache files hold changes; older files are then recomputed."""
MEMORY_CACHE = 64
"""Voices whose conditioning stays in memory (about 130 KB each with the released model)."""


@dataclass(frozen=True)
class Conditioning:
    """What XTTS needs from a reference: the GPT's conditioning latents and the speaker embedding."""

    gpt_cond_latent: torch.Tensor
    speaker_embedding: torch.Tensor


class XttsCloner:
    def __init__(self, model_dir: Path, *, device: str = "auto") -> None:
        self._device = torch_device(device, torch.cuda.is_available())
        started = time.perf_counter()
        self._config, self._model = _load(model_dir, self._device)
        self._fingerprint = model_fingerprint(model_dir)
        languages = _languages(self._config.languages)
        limits = self._model.tokenizer.char_limits
        self._info = ClonerInfo(
            engine=ENGINE,
            languages=languages,
            max_chars=min(limits.get(lang, 250) for lang in languages),
            sample_rate=int(self._config.model_args.output_sample_rate),
            needs_gpu=True,
            max_chars_by_language={lang: int(limits.get(lang, 250)) for lang in languages},
        )
        self._lock = threading.Lock()
        self._conditioning: OrderedDict[str, Conditioning] = OrderedDict()
        log.info(
            "loaded %s from %s on %s in %.1f s",
            ENGINE,
            model_dir,
            self._device,
            time.perf_counter() - started,
        )

    @property
    def info(self) -> ClonerInfo:
        return self._info

    @property
    def device(self) -> str:
        return self._device

    def cache_file(self, reference: VoiceReference) -> Path:
        """Where this model keeps a voice's conditioning: named after the model, in the voice's folder."""
        return reference.cache_dir / f"xtts-{self._fingerprint}.pt"

    def synthesize(
        self, text: str, reference: VoiceReference, options: SynthesisOptions
    ) -> NDArray[np.float32]:
        """Mono float32 in [-1, 1] at 24 kHz; the same text, voice and seed give the same samples."""
        limit = self._info.max_chars_for(reference.language)
        check_request(text, options.speed, limit, f"{ENGINE} ({reference.name})")
        language = self._language(reference.language)
        if not has_words(text):
            return silence()
        with self._lock:
            model = self._loaded()
            conditioning = self._conditioning_for(reference)
            torch.manual_seed(reference.seed)
            try:
                result = model.inference(
                    text,
                    language,
                    conditioning.gpt_cond_latent,
                    conditioning.speaker_embedding,
                    temperature=self._config.temperature,
                    length_penalty=self._config.length_penalty,
                    repetition_penalty=self._config.repetition_penalty,
                    top_k=self._config.top_k,
                    top_p=self._config.top_p,
                    speed=options.speed,
                )
            except Exception as err:  # torch and transformers raise many types; all mean the same here
                raise EngineError(
                    f"{ENGINE} failed to speak with the voice {reference.name}: {err!r}"
                ) from err
        return _samples(result["wav"], reference.name)

    def close(self) -> None:
        with self._lock:
            self._model = None
            self._conditioning.clear()
        gc.collect()
        if self._device.startswith("cuda"):
            torch.cuda.empty_cache()

    # --- conditioning: computed once per voice and model, kept in memory and on disk ---

    def _conditioning_for(self, reference: VoiceReference) -> Conditioning:
        key = reference_digest(reference)
        cached = self._conditioning.get(key)
        if cached is None:
            cached = self._read_cache(reference, key)
            if cached is None:
                cached = self.compute_conditioning(reference)
                self._write_cache(reference, key, cached)
            self._conditioning[key] = cached
            while len(self._conditioning) > MEMORY_CACHE:
                self._conditioning.popitem(last=False)
        self._conditioning.move_to_end(key)
        return cached

    def compute_conditioning(self, reference: VoiceReference) -> Conditioning:
        """Analyse the reference samples (what coqui does after reading a file, minus the reading)."""
        model = self._loaded()
        audio = np.asarray(reference.audio, dtype=np.float32)
        if audio.ndim != 1 or audio.size == 0:
            raise EngineError(
                f"The reference of the voice {reference.name} must be mono samples; enrol it again."
            )
        rate = reference.sample_rate
        samples = torch.from_numpy(audio[: int(self._config.max_ref_len * rate)].copy()).unsqueeze(0)
        samples = samples.to(self._device)
        if self._config.sound_norm_refs:
            samples = samples / samples.abs().max().clamp(min=1e-8) * 0.75
        started = time.perf_counter()
        try:
            latent = model.get_gpt_cond_latents(
                samples,
                rate,
                length=self._config.gpt_cond_len,
                chunk_length=self._config.gpt_cond_chunk_len,
            )
            speaker = model.get_speaker_embedding(samples, rate)
        except Exception as err:  # e.g. a reference shorter than a third of a second
            raise EngineError(
                f"{ENGINE} cannot learn the voice {reference.name} from its reference: {err}"
            ) from err
        log.info("voice %s: conditioning computed in %.2f s", reference.name, time.perf_counter() - started)
        return Conditioning(latent.detach().clone(), speaker.detach().clone())

    def _read_cache(self, reference: VoiceReference, key: str) -> Conditioning | None:
        path = self.cache_file(reference)
        if not path.is_file():
            return None
        try:
            data = torch.load(path, map_location="cpu", weights_only=True)
            if data.get("format") != CACHE_FORMAT or data.get("reference") != key:
                return None
            latent, speaker = data["gpt_cond_latent"], data["speaker_embedding"]
            if not (isinstance(latent, torch.Tensor) and isinstance(speaker, torch.Tensor)):
                raise TypeError("not tensors")
        except Exception as err:  # a damaged or foreign file: torch.load raises many types
            log.warning("voice %s: unreadable cache %s (%s); recomputing it", reference.name, path, err)
            return None
        return Conditioning(latent.to(self._device), speaker.to(self._device))

    def _write_cache(self, reference: VoiceReference, key: str, conditioning: Conditioning) -> None:
        path = self.cache_file(reference)
        data = {
            "format": CACHE_FORMAT,
            "reference": key,
            "gpt_cond_latent": conditioning.gpt_cond_latent.cpu(),
            "speaker_embedding": conditioning.speaker_embedding.cpu(),
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    torch.save(data, out)
                    out.flush()
                    os.fsync(out.fileno())
                Path(tmp).replace(path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as err:  # the cache only saves time: speaking goes on without it
            log.warning("voice %s: cannot write the cache %s: %s", reference.name, path, err)

    def _language(self, language: str) -> str:
        code = language.split("-")[0].lower()
        if code not in self._info.languages:
            raise EngineError(
                f"{ENGINE} does not speak {language!r}; it speaks {', '.join(self._info.languages)}."
            )
        return code

    def _loaded(self) -> Any:
        if self._model is None:
            raise EngineError(f"{ENGINE} was closed; load it again.")
        return self._model


def torch_device(requested: str, cuda_available: bool) -> str:
    """``auto`` is the GPU when torch sees one, else the CPU."""
    if requested == "auto":
        return "cuda" if cuda_available else "cpu"
    if requested == "cpu":
        return requested
    if requested == "cuda" or requested.startswith("cuda:"):
        if not cuda_available:
            raise ConfigError(
                f"The cloning engine was asked to run on {requested}, but torch sees no CUDA device; "
                "install a CUDA build of torch (`make install-clone TORCH=cuda`) or set "
                "HOMEVOICE_VOICES__CLONE_DEVICE to auto or cpu."
            )
        return requested
    raise ConfigError(f"Unknown device {requested!r} for the cloning engine; use auto, cpu or cuda.")


def model_fingerprint(model_dir: Path) -> str:
    """A short name for these weights, so cached conditioning never outlives the model it came from.

    The sha256 the pull verified when there is one, else the file's size and time (hashing 1.8 GB
    at every load would cost seconds); the config always, since it shapes the conditioning too.
    """
    digest = hashlib.sha256((model_dir / "config.json").read_bytes())
    manifest = read_manifest(model_dir)
    weights = manifest.files.get("model.pth") if manifest is not None else None
    if weights is None:
        stat = (model_dir / "model.pth").stat()
        weights = f"{stat.st_size}:{stat.st_mtime_ns}"
    digest.update(weights.encode())
    return digest.hexdigest()[:12]


def reference_digest(reference: VoiceReference) -> str:
    """Identifies the reference samples themselves: a voice enrolled again never reuses old latents."""
    audio = np.ascontiguousarray(reference.audio, dtype=np.float32)
    digest = hashlib.sha256(f"{reference.sample_rate}:{audio.shape}:".encode())
    digest.update(audio.tobytes())
    return digest.hexdigest()


def _load(model_dir: Path, device: str) -> tuple[Any, Any]:
    missing = [name for name in MODEL_FILES if not (model_dir / name).is_file()]
    if missing:
        raise ModelNotInstalledError(
            f"{model_dir} holds no complete XTTS-v2 model (missing {', '.join(missing)}); "
            f"run `homevoice models pull {ENGINE}`."
        )
    try:
        config = XttsConfig()
        config.load_json(str(model_dir / "config.json"))
        model = Xtts(config)
        model.load_checkpoint(config, checkpoint_dir=str(model_dir), use_deepspeed=False)
        model.to(device)
    except Exception as err:  # coqui, torch and pickle raise many types for a bad model
        raise EngineError(
            f"XTTS-v2 in {model_dir} cannot be loaded ({err!r}); delete it with `homevoice models rm "
            f"{ENGINE}` and pull it again."
        ) from err
    return config, model


def _languages(declared: list[str]) -> tuple[str, ...]:
    """ISO-639-1 codes: the config says ``zh-cn`` where the tokenizer's limits say ``zh``."""
    return tuple(dict.fromkeys(lang.split("-")[0].lower() for lang in declared))


def _samples(wav: Any, voice: str) -> NDArray[np.float32]:
    audio = np.asarray(wav, dtype=np.float32).reshape(-1)
    if not np.isfinite(audio).all():
        raise EngineError(f"{ENGINE} produced invalid samples for the voice {voice}; try again.")
    return np.clip(audio, -1.0, 1.0)
