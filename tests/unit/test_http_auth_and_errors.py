"""Binding rules and the OpenAI error shape."""

from __future__ import annotations

import pytest

from homevoice.adapters.http.auth import check_bind, is_loopback
from homevoice.adapters.http.errors import error_body, status_for
from homevoice.errors import ConfigError


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    check_bind(host, [])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "myserver.lan"])
def test_exposed_hosts_need_keys(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match="HOMEVOICE_API_KEYS"):
        check_bind(host, [])
    check_bind(host, ["a-key"])


def test_error_codes_map_to_statuses() -> None:
    assert status_for("unsupported_audio") == 400
    assert status_for("model_not_found") == 404
    assert status_for("model_in_use") == 409
    assert status_for("request_too_large") == 413
    assert status_for("busy") == 429
    assert status_for("engine_error") == 500
    assert status_for("never-heard-of-it") == 500


def test_error_body_has_openais_shape() -> None:
    body = error_body("Nope.", "busy", 429, param="model")
    assert body == {
        "error": {"message": "Nope.", "type": "rate_limit_error", "param": "model", "code": "busy"}
    }
    assert error_body("x", "engine_error", 500)["error"]["type"] == "server_error"
    assert error_body("x", "unsupported_audio", 400)["error"]["type"] == "invalid_request_error"
