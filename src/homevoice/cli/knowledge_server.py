"""While ``homevoice serve`` holds the index (one process at a time may), ``homevoice search`` and
``homevoice ask`` put their question to that server over its HTTP API instead."""

from __future__ import annotations

from typing import Any

import httpx

from homevoice.errors import HomevoiceError
from homevoice.knowledge.model import Answer, KnowledgeError, Passage, SearchMode
from homevoice.settings import Settings

TIMEOUT_S = 300.0
"""An answer from a local LLM on a CPU can take minutes."""


def server_url(settings: Settings) -> str:
    """Where this machine reaches its own server: a wildcard bind is reached on loopback."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(settings.http.host, settings.http.host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.http.port}"


class ServerKnowledge:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.url = server_url(settings)
        headers = {"Accept": "application/json"}
        if settings.api_keys:
            headers["Authorization"] = f"Bearer {settings.api_keys[0].get_secret_value()}"
        self._client = httpx.Client(
            base_url=self.url, headers=headers, timeout=TIMEOUT_S, transport=transport
        )

    def close(self) -> None:
        self._client.close()

    def search(self, query: str, limit: int, mode: SearchMode) -> list[Passage]:
        body = self._call("GET", "/v1/search", params={"q": query, "limit": limit, "mode": mode.value})
        return [_passage(item) for item in body["results"]]

    def ask(self, question: str, limit: int | None) -> Answer:
        request: dict[str, Any] = {"question": question}
        if limit is not None:
            request["limit"] = limit
        body = self._call("POST", "/v1/ask", json=request)
        return Answer(body["answer"], [_passage(item) for item in body["citations"]], body["model"])

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as err:
            raise KnowledgeError(
                f"The index is held by another homevoice process, and no server answered at {self.url} "
                f"({type(err).__name__}). Stop that process, or start the server.",
                code="index_busy",
            ) from err
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {}
        if not response.is_success:
            found = body.get("error")
            error: dict[str, Any] = found if isinstance(found, dict) else {}
            raise HomevoiceError(
                f"The server at {self.url} answered {response.status_code}: {error.get('message') or response.text[:200]}",
                code=str(error.get("code") or "server_error"),
            )
        return body


def _passage(item: dict[str, Any]) -> Passage:
    return Passage(
        path=item["path"],
        title=item["title"],
        heading=item.get("heading"),
        page=item.get("page"),
        text=item.get("text") or "",
        score=float(item.get("score") or 0.0),
    )
