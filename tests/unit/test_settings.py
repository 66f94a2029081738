"""Settings: defaults, the XDG data dir, precedence of the sources, config file lookup, errors, secrets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from homevoice.errors import ConfigError
from homevoice.settings import (
    CONFIG_ENV,
    DEFAULT_CONFIG_NAME,
    Settings,
    default_data_dir,
    load_settings,
    resolve_config_path,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No HOMEVOICE_* or XDG variable from the developer's shell, HOME and cwd in a throwaway folder."""
    for var in list(os.environ):
        if var.upper().startswith("HOMEVOICE_"):
            monkeypatch.delenv(var)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def write_toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- defaults -------------------------------------------------------------------------------------


def test_defaults_are_private_and_small(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.http.host == "127.0.0.1"
    assert settings.http.port == 8765
    assert settings.stt.model == "base"
    assert settings.stt.vad is True
    assert settings.stt.language is None
    assert settings.stt.device == "auto"
    assert settings.stt.compute_type == "auto"
    assert settings.stt.beam_size == 5
    assert settings.stt.max_duration_s == 4 * 3600
    assert settings.log_level == "WARNING"
    assert settings.models.keep_alive_s == 300.0
    assert settings.models.preload == []
    assert settings.models.hub_endpoint is None
    assert settings.models.hub_token is None
    assert settings.data_dir == tmp_path / "home" / ".local" / "share" / "homevoice"
    assert settings.models_dir == settings.data_dir / "models"


def test_default_data_dir_uses_absolute_xdg_data_home() -> None:
    assert default_data_dir({"XDG_DATA_HOME": "/srv/xdg"}) == Path("/srv/xdg/homevoice")
    assert default_data_dir({"XDG_DATA_HOME": "  /srv/xdg  "}) == Path("/srv/xdg/homevoice")


def test_default_data_dir_without_xdg_is_under_home(tmp_path: Path) -> None:
    expected = tmp_path / "home" / ".local" / "share" / "homevoice"
    assert default_data_dir({}) == expected
    assert default_data_dir({"XDG_DATA_HOME": ""}) == expected
    assert default_data_dir({"XDG_DATA_HOME": "   "}) == expected


def test_default_data_dir_ignores_relative_xdg_data_home(tmp_path: Path) -> None:
    # The XDG spec says relative paths are invalid and must be ignored.
    assert default_data_dir({"XDG_DATA_HOME": "relative/share"}) == (
        tmp_path / "home" / ".local" / "share" / "homevoice"
    )


def test_settings_data_dir_follows_xdg_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/xdg")
    assert load_settings().data_dir == Path("/srv/xdg/homevoice")
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", "/srv/voice")
    assert load_settings().data_dir == Path("/srv/voice")


# --- precedence -----------------------------------------------------------------------------------


def test_toml_file_overrides_defaults(tmp_path: Path) -> None:
    config = write_toml(
        tmp_path / "c.toml",
        'log_level = "INFO"\n[stt]\nmodel = "small"\nbeam_size = 3\n[http]\nport = 9000\n',
    )
    settings = load_settings(config)
    assert settings.log_level == "INFO"
    assert settings.stt.model == "small"
    assert settings.stt.beam_size == 3
    assert settings.http.port == 9000
    # Untouched values keep their defaults, also inside a table the file sets.
    assert settings.stt.vad is True
    assert settings.http.host == "127.0.0.1"


def test_environment_overrides_toml_field_by_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_toml(tmp_path / "c.toml", '[stt]\nmodel = "small"\nbeam_size = 3\n')
    monkeypatch.setenv("HOMEVOICE_STT__MODEL", "tiny")
    monkeypatch.setenv("HOMEVOICE_LOG_LEVEL", "ERROR")
    settings = load_settings(config)
    assert settings.stt.model == "tiny"
    assert settings.stt.beam_size == 3  # still from the file: nested sources merge
    assert settings.log_level == "ERROR"


def test_explicit_overrides_beat_environment_and_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_toml(tmp_path / "c.toml", 'log_level = "INFO"\n[stt]\nmodel = "small"\nbeam_size = 3\n')
    monkeypatch.setenv("HOMEVOICE_STT__MODEL", "tiny")
    monkeypatch.setenv("HOMEVOICE_LOG_LEVEL", "ERROR")
    settings = load_settings(config, log_level="DEBUG", stt={"model": "medium"})
    assert settings.log_level == "DEBUG"
    assert settings.stt.model == "medium"
    assert settings.stt.beam_size == 3


def test_nested_environment_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMEVOICE_MODELS__PRELOAD", '["base", "tiny.en"]')
    monkeypatch.setenv("HOMEVOICE_STT__VAD", "false")
    monkeypatch.setenv("HOMEVOICE_STT__BATCHED_MIN_DURATION_S", "12.5")
    monkeypatch.setenv("HOMEVOICE_HTTP__PORT", "9999")
    monkeypatch.setenv("HOMEVOICE_MODELS__KEEP_ALIVE_S", "-1")
    settings = load_settings()
    assert settings.models.preload == ["base", "tiny.en"]
    assert settings.stt.vad is False
    assert settings.stt.batched_min_duration_s == 12.5
    assert settings.http.port == 9999
    assert settings.models.keep_alive_s == -1


# --- which config file ----------------------------------------------------------------------------


def test_resolve_config_path_order(tmp_path: Path) -> None:
    cwd = tmp_path / "dir"
    cwd.mkdir()
    local = write_toml(cwd / DEFAULT_CONFIG_NAME, "")
    explicit = tmp_path / "explicit.toml"
    from_env = tmp_path / "env.toml"
    env = {CONFIG_ENV: str(from_env)}

    assert resolve_config_path(explicit, env, cwd) == explicit
    assert resolve_config_path(None, env, cwd) == from_env
    assert resolve_config_path(None, {}, cwd) == local
    assert resolve_config_path(None, {CONFIG_ENV: "   "}, cwd) == local
    local.unlink()
    assert resolve_config_path(None, {}, cwd) is None


def test_resolve_config_path_ignores_a_directory_named_like_the_config(tmp_path: Path) -> None:
    (tmp_path / DEFAULT_CONFIG_NAME).mkdir()
    assert resolve_config_path(None, {}, tmp_path) is None


def test_load_settings_reads_homevoice_toml_in_cwd(clean_env: Path) -> None:
    write_toml(clean_env / DEFAULT_CONFIG_NAME, '[stt]\nmodel = "small"\n')
    assert load_settings().stt.model == "small"


def test_load_settings_reads_the_file_named_by_homevoice_config(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_toml(clean_env / DEFAULT_CONFIG_NAME, '[stt]\nmodel = "small"\n')
    chosen = write_toml(tmp_path / "chosen.toml", '[stt]\nmodel = "medium"\n')
    monkeypatch.setenv(CONFIG_ENV, str(chosen))
    assert load_settings().stt.model == "medium"
    explicit = write_toml(tmp_path / "explicit.toml", '[stt]\nmodel = "tiny"\n')
    assert load_settings(explicit).stt.model == "tiny"


# --- errors ---------------------------------------------------------------------------------------


def test_missing_config_file_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_settings(missing)
    assert info.value.code == "invalid_config"
    assert str(missing) in str(info.value)

    monkeypatch.setenv(CONFIG_ENV, str(missing))
    with pytest.raises(ConfigError, match=CONFIG_ENV):
        load_settings()


def test_invalid_value_in_toml_names_the_field_and_file(tmp_path: Path) -> None:
    config = write_toml(tmp_path / "c.toml", "[stt]\nbeam_size = 0\n")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    message = str(info.value)
    assert "stt.beam_size" in message
    assert str(config) in message
    assert "Traceback" not in message


def test_invalid_value_in_environment_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMEVOICE_STT__DEVICE", "tpu")
    with pytest.raises(ConfigError, match=r"stt\.device") as info:
        load_settings()
    assert "HOMEVOICE_" in str(info.value)


def test_invalid_override_names_the_field() -> None:
    with pytest.raises(ConfigError, match=r"http\.port"):
        load_settings(http={"port": 70000})


def test_unknown_top_level_key_in_toml_is_refused(tmp_path: Path) -> None:
    config = write_toml(tmp_path / "c.toml", "modle = 'base'\n")
    with pytest.raises(ConfigError, match="modle"):
        load_settings(config)


def test_unknown_nested_key_in_toml_is_refused(tmp_path: Path) -> None:
    # A typo inside a table ([stt] modle = ...) is silently ignored today.
    config = write_toml(tmp_path / "c.toml", "[stt]\nmodle = 'small'\n")
    with pytest.raises(ConfigError, match="modle"):
        load_settings(config)


def test_malformed_toml_is_a_config_error(tmp_path: Path) -> None:
    config = write_toml(tmp_path / "c.toml", "[stt\nmodel = \n")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert str(config) in str(info.value)
    assert info.value.code == "invalid_config"


def test_non_json_list_in_environment_is_reported_as_an_environment_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOMEVOICE_MODELS__PRELOAD", "base")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert "config file None" not in message
    assert "PRELOAD" in message.upper()


# --- secrets --------------------------------------------------------------------------------------


def test_hub_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMEVOICE_MODELS__HUB_TOKEN", "hf_supersecret")
    settings = load_settings()
    assert settings.models.hub_token is not None
    assert settings.models.hub_token.get_secret_value() == "hf_supersecret"
    assert "hf_supersecret" not in repr(settings)
    assert "hf_supersecret" not in str(settings)
    dumped = settings.model_dump(mode="json")
    assert dumped["models"]["hub_token"] == "**********"
    assert "hf_supersecret" not in json.dumps(dumped)


def test_settings_class_forbids_unknown_init_keys() -> None:
    with pytest.raises(ConfigError, match="bogus"):
        load_settings(bogus=1)
    # The plain class is usable for tests and tools as well.
    assert Settings().stt.model == "base"
