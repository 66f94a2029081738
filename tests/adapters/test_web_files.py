"""The web page's files over HTTP: open without a key (they hold no data), locked down by headers,
and nothing outside the page's folder."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from homevoice.web import STATIC_DIR
from tests.adapters.conftest import ServerFactory

KEY = "key-for-the-web-files"


def test_the_page_and_its_files_need_no_key_but_the_api_does(make_server: ServerFactory) -> None:
    with make_server(api_keys=[SecretStr(KEY)]) as url, httpx.Client(base_url=url) as http:
        page = http.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.text == (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-cache"

        script = http.get("/web/js/main.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert "default-src 'self'" in script.headers["content-security-policy"]
        assert http.get("/web/app.css").headers["content-type"].startswith("text/css")

        assert http.get("/v1/audio/voices").status_code == 401
        assert http.get("/v1/audio/voices", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/web/../pyproject.toml",
        "/web/%2e%2e/__init__.py",
        "/web/js/../../__init__.py",
        "/web/missing.js",
        "/web/",
    ],
)
def test_nothing_outside_the_page_folder_is_served(server_url: str, path: str) -> None:
    with httpx.Client(base_url=server_url) as http:
        answer = http.get(path)
    assert answer.status_code == 404
    assert "STATIC_DIR" not in answer.text


def test_every_file_the_page_names_is_served(server_url: str) -> None:
    names = sorted(p.relative_to(STATIC_DIR).as_posix() for p in STATIC_DIR.rglob("*") if p.is_file())
    assert "js/main.js" in names and "index.html" in names
    with httpx.Client(base_url=server_url) as http:
        for name in names:
            assert http.get(f"/web/{name}").status_code == 200, name
