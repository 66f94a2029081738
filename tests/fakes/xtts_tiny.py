"""A tiny, randomly initialised XTTS-v2 model, built at test time so coqui-tts's real loader and
inference run on a CPU with no download.

The layout is the released model's (``config.json``, ``model.pth``, ``vocab.json``) at a fraction of
its size: two GPT layers 64 wide, the released audio-token layout, the speaker encoder at its fixed
size (about 23 M parameters, an 88 MB checkpoint). Random weights never emit the stop token, so
``gpt_max_audio_tokens`` bounds how long one sentence takes. No XTTS vocabulary ships with coqui-tts:
a character-level BPE built with ``tokenizers`` stands in for it.

Never committed: call :func:`build_tiny_xtts` in a temporary folder.
"""

from __future__ import annotations

import string
from pathlib import Path

LANGUAGES = ("en", "ru")
"""Declared by the tiny model; XTTS's character limits for them are 250 and 182."""
FILES = ("config.json", "model.pth", "vocab.json")
_SPECIALS = ("[STOP]", "[UNK]", "[SPACE]", "[START]", *(f"[{lang}]" for lang in LANGUAGES))
_CHARACTERS = string.ascii_lowercase + "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" + string.digits + ".,!?'-:;\"()"


def build_tiny_xtts(folder: Path, *, seed: int = 0) -> Path:
    """Write a loadable tiny XTTS-v2 model into ``folder`` (created) and return it."""
    import torch
    from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
    from TTS.tts.models.xtts import Xtts

    folder.mkdir(parents=True, exist_ok=True)
    write_vocab(folder / "vocab.json")
    config = tiny_config()
    torch.manual_seed(seed)
    model = Xtts(config)
    model.tokenizer = VoiceBpeTokenizer(vocab_file=str(folder / "vocab.json"))
    model.init_models()
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder


def tiny_config():  # type: ignore[no-untyped-def]  # coqui's XttsConfig has no type information
    from TTS.tts.configs.xtts_config import XttsConfig

    config = XttsConfig()
    config.languages = list(LANGUAGES)
    args = config.model_args
    args.gpt_layers = 2
    args.gpt_n_model_channels = 64
    args.gpt_n_heads = 2
    args.gpt_use_perceiver_resampler = True
    args.gpt_max_audio_tokens = 20
    # The released audio-token layout: 1024 codes, then start and stop.
    args.gpt_num_audio_tokens = 1026
    args.gpt_start_audio_token = 1024
    args.gpt_stop_audio_token = 1025
    args.decoder_input_dim = 64
    args.d_vector_dim = 512  # the speaker encoder's output size is fixed
    return config


def write_vocab(path: Path) -> None:
    """A character-level BPE: one token per character, ``[STOP]`` first, the language tags special."""
    from tokenizers import Tokenizer
    from tokenizers.models import BPE
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {token: i for i, token in enumerate((*_SPECIALS, *_CHARACTERS))}
    tokenizer = Tokenizer(BPE(vocab=vocab, merges=[], unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()  # type: ignore[assignment]
    tokenizer.add_special_tokens(list(_SPECIALS))
    tokenizer.save(str(path))
