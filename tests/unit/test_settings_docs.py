"""The configuration reference documents every setting, and docs/configuration.md is up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from homevoice.settings import Settings
from homevoice.settings_docs import configuration_reference

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS_FILE = REPO_ROOT / "docs" / "configuration.md"
REGENERATE = ".venv/bin/homevoice config docs > docs/configuration.md"


def leaf_settings() -> list[tuple[str, str, str]]:
    """(dotted key, environment variable, description) for every leaf setting, walking nested models."""
    leaves: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], key_prefix: str, env_prefix: str) -> None:
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{key_prefix}{name}.", f"{env_prefix}{name.upper()}__")
            else:
                leaves.append((f"{key_prefix}{name}", f"{env_prefix}{name.upper()}", info.description or ""))

    walk(Settings, "", "HOMEVOICE_")
    return leaves


LEAVES = [pytest.param(*leaf, id=leaf[0]) for leaf in leaf_settings()]


def reference_rows() -> dict[str, str]:
    """Setting key -> its table row, parsed from the generated Markdown."""
    rows: dict[str, str] = {}
    for line in configuration_reference().splitlines():
        if line.startswith("| `"):
            key = line.split("|")[1].strip().strip("`")
            assert key not in rows, f"{key} is documented twice"
            rows[key] = line
    return rows


def test_the_walk_finds_the_known_settings() -> None:
    keys = {key for key, _, _ in leaf_settings()}
    assert {"data_dir", "log_level", "stt.model", "stt.vad", "models.hub_token", "http.port"} <= keys
    assert "stt" not in keys


@pytest.mark.parametrize(("key", "env", "description"), LEAVES)
def test_every_leaf_setting_is_documented_with_its_environment_variable(
    key: str, env: str, description: str
) -> None:
    rows = reference_rows()
    assert key in rows, f"setting {key} is missing from the configuration reference"
    cells = [cell.strip() for cell in rows[key].strip("|").split("|")]
    assert len(cells) == 4, f"row of {key} does not have 4 cells (a '|' in its text?): {rows[key]}"
    assert cells[1] == f"`{env}`"
    assert cells[2], f"{key} has no default shown"
    assert cells[3] == description


@pytest.mark.parametrize(("key", "env", "description"), LEAVES)
def test_every_leaf_setting_has_a_one_line_description(key: str, env: str, description: str) -> None:
    assert description.strip(), f"{key} ({env}) has no description"
    assert "\n" not in description and "|" not in description, f"{key}'s description breaks the table"


def test_reference_documents_nothing_that_is_not_a_setting() -> None:
    assert set(reference_rows()) == {key for key, _, _ in leaf_settings()}


def test_every_nested_table_has_a_title() -> None:
    reference = configuration_reference()
    for name, info in Settings.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            assert (annotation.__doc__ or "").strip(), (
                f"{annotation.__name__} needs a docstring (table title)"
            )
            assert f"(`[{name}]`)" in reference


def test_reference_shows_defaults() -> None:
    rows = reference_rows()
    assert "`8765`" in rows["http.port"]
    assert '`"127.0.0.1"`' in rows["http.host"]
    assert "unset" in rows["stt.language"]
    assert "`true`" in rows["stt.vad"]
    assert "XDG_DATA_HOME" in rows["data_dir"]


def test_docs_configuration_md_is_up_to_date() -> None:
    if not DOCS_FILE.is_file():
        pytest.fail(f"{DOCS_FILE.relative_to(REPO_ROOT)} does not exist; run `{REGENERATE}`")
    assert DOCS_FILE.read_text(encoding="utf-8") == configuration_reference(), (
        f"docs/configuration.md is stale; run `{REGENERATE}`"
    )
