"""A minimal Hugging Face compatible hub on 127.0.0.1, for download tests without a network.

It serves what huggingface_hub 2.4.0 asks for:

* ``GET /api/models/{repo}[/revision/{rev}]`` (``HfApi.model_info``): ``sha`` and ``siblings``; with
  ``?blobs=True`` (``files_metadata=True``) each sibling also has ``size``, ``blobId`` and, for LFS
  files, ``lfs: {sha256, size, pointerSize}``.
* ``HEAD``/``GET /{repo}/resolve/{rev}/{file}``: ``X-Repo-Commit``, ``ETag`` (git blob sha1, or the
  sha256 for LFS files, which also get ``X-Linked-Etag``/``X-Linked-Size``), ``Content-Length``,
  ``Accept-Ranges`` and ``Range: bytes=a-[b]`` answered with 206.
* 404 with ``X-Error-Code`` ``RepoNotFound``/``RevisionNotFound``/``EntryNotFound``, which
  huggingface_hub turns into its typed errors.

Knobs for tests: ``requests`` (what was asked), ``cut(file, after=n)`` (drop the connection once
mid-body), ``corrupt(file)`` (serve wrong bytes under the true checksums) and ``outage`` (503 to all).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_RANGE = re.compile(r"^bytes=(?P<start>\d+)-(?P<end>\d*)$")


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    range: str | None


@dataclass(frozen=True)
class _Blob:
    data: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def pointer(self) -> bytes:
        """The git-lfs pointer git stores instead of an LFS file's content."""
        return f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\nsize {len(self.data)}\n".encode()

    @property
    def blob_id(self) -> str:
        """git's object id for what git stores: the content, or the pointer for LFS files."""
        stored = self.pointer if self.lfs else self.data
        return hashlib.sha1(b"blob %d\0" % len(stored) + stored).hexdigest()

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.blob_id


@dataclass(frozen=True)
class _Repo:
    commit: str
    files: dict[str, _Blob]


class FakeHub:
    """Serve in-memory repos (repo id -> {file name: bytes}) until ``close()``; also a context manager.

    Files matching ``lfs_patterns`` are described as Git LFS files, like weights on the real hub.
    """

    def __init__(
        self, repos: dict[str, dict[str, bytes]], *, lfs_patterns: tuple[str, ...] = ("*.bin",)
    ) -> None:
        self._repos = {repo_id: _make_repo(repo_id, files, lfs_patterns) for repo_id, files in repos.items()}
        self._lock = threading.Lock()
        self._requests: list[SeenRequest] = []
        self._cuts: dict[str, tuple[int, bool]] = {}
        self._corrupt: set[str] = set()
        self.outage = False
        """While True every request gets 503, as from a hub that went down."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.hub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-hub", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def commit(self, repo_id: str) -> str:
        return self._repos[repo_id].commit

    @property
    def requests(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def cut(self, file: str, *, after: int, then_outage: bool = False) -> None:
        """Drop the connection after ``after`` body bytes of the next GET of ``file`` (once).

        With ``then_outage`` the hub also goes down (``outage = True``) right after the cut, so the
        downloader's own retry fails too.
        """
        with self._lock:
            self._cuts[file] = (after, then_outage)

    def corrupt(self, file: str) -> None:
        """Serve ``file`` with one byte flipped, while still advertising the true size and checksums."""
        with self._lock:
            self._corrupt.add(file)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeHub:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- request handling (server threads) ---

    def _handle(self, handler: _Handler, method: str) -> None:
        url = urlsplit(handler.path)
        path = unquote(url.path)
        with self._lock:
            self._requests.append(SeenRequest(method, path, handler.headers.get("Range")))
        if self.outage:
            _send_error(handler, 503, None, "Service unavailable")
        elif method == "GET" and (m := _API.match(path)):
            self._model_info(handler, m["repo"], m["rev"] or "main", parse_qs(url.query))
        elif m := _RESOLVE.match(path):
            self._resolve(handler, method, m["repo"], m["rev"], m["file"])
        else:
            _send_error(handler, 404, None, "Not found")

    def _find(self, handler: _Handler, repo_id: str, rev: str) -> _Repo | None:
        repo = self._repos.get(repo_id)
        if repo is None:
            _send_error(handler, 404, "RepoNotFound", "Repository not found")
        elif rev not in ("main", repo.commit):
            _send_error(handler, 404, "RevisionNotFound", f"Invalid rev id: {rev}")
        else:
            return repo
        return None

    def _model_info(self, handler: _Handler, repo_id: str, rev: str, query: dict[str, list[str]]) -> None:
        repo = self._find(handler, repo_id, rev)
        if repo is None:
            return
        with_blobs = query.get("blobs", ["false"])[0].lower() == "true"
        siblings = [_sibling(name, blob, with_blobs) for name, blob in repo.files.items()]
        body = json.dumps({"_id": repo.commit[:24], "id": repo_id, "sha": repo.commit, "siblings": siblings})
        _send(handler, 200, {"Content-Type": "application/json"}, body.encode())

    def _resolve(self, handler: _Handler, method: str, repo_id: str, rev: str, name: str) -> None:
        repo = self._find(handler, repo_id, rev)
        if repo is None:
            return
        blob = repo.files.get(name)
        if blob is None:
            _send_error(handler, 404, "EntryNotFound", f"{name} does not exist", commit=repo.commit)
            return
        data = blob.data
        headers = {
            "Content-Type": "application/octet-stream",
            "Accept-Ranges": "bytes",
            "X-Repo-Commit": repo.commit,
            "ETag": f'"{blob.etag}"',
        }
        if blob.lfs:
            headers |= {"X-Linked-Etag": f'"{blob.sha256}"', "X-Linked-Size": str(len(data))}
        status, start, end = 200, 0, len(data)
        if (asked := handler.headers.get("Range")) is not None:
            m = _RANGE.match(asked)
            start = int(m["start"]) if m else len(data)
            end = min(int(m["end"]) + 1, len(data)) if m and m["end"] else len(data)
            if start >= len(data) or start >= end:
                _send_error(
                    handler, 416, None, "Range not satisfiable", {"Content-Range": f"bytes */{len(data)}"}
                )
                return
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
        if method == "HEAD":
            _send(handler, status, headers | {"Content-Length": str(end - start)}, b"")
            return
        self._send_file(handler, status, headers, name, data[start:end])

    def _send_file(
        self, handler: _Handler, status: int, headers: dict[str, str], name: str, body: bytes
    ) -> None:
        with self._lock:
            cut = self._cuts.pop(name, None)
            if name in self._corrupt:
                middle = len(body) // 2
                body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]
        if cut is None:
            _send(handler, status, headers, body)
            return
        after, then_outage = cut
        if then_outage:
            self.outage = True  # before the cut, so the downloader's quick retry already sees it
        _send(handler, status, headers | {"Content-Length": str(len(body))}, body[:after], close=True)


def _make_repo(repo_id: str, files: dict[str, bytes], lfs_patterns: tuple[str, ...]) -> _Repo:
    blobs = {n: _Blob(d, any(fnmatchcase(n, p) for p in lfs_patterns)) for n, d in files.items()}
    tree = "".join(f"{n}\0{b.blob_id}\n" for n, b in sorted(blobs.items()))
    return _Repo(commit=hashlib.sha1(f"{repo_id}\n{tree}".encode()).hexdigest(), files=blobs)


def _sibling(name: str, blob: _Blob, with_blobs: bool) -> dict[str, object]:
    if not with_blobs:
        return {"rfilename": name}
    sibling: dict[str, object] = {"rfilename": name, "size": len(blob.data), "blobId": blob.blob_id}
    if blob.lfs:
        sibling["lfs"] = {"sha256": blob.sha256, "size": len(blob.data), "pointerSize": len(blob.pointer)}
    return sibling


def _send(
    handler: _Handler, status: int, headers: dict[str, str], body: bytes, *, close: bool = False
) -> None:
    """Write a response; ``Content-Length`` defaults to the body's (a cut advertises the full one)."""
    try:
        handler.send_response(status)
        for key, value in ({"Content-Length": str(len(body))} | headers).items():
            handler.send_header(key, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
        handler.wfile.flush()
    except OSError:
        close = True  # the client went away; nothing left to say
    if close:
        handler.close_connection = True


def _send_error(
    handler: _Handler,
    status: int,
    code: str | None,
    message: str,
    extra: dict[str, str] | None = None,
    *,
    commit: str | None = None,
) -> None:
    headers = {"Content-Type": "application/json", "X-Error-Message": message, **(extra or {})}
    if code is not None:
        headers["X-Error-Code"] = code
    if commit is not None:
        headers["X-Repo-Commit"] = commit
    _send(handler, status, headers, json.dumps({"error": message}).encode())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as huggingface_hub's pooled client expects
    timeout = 5  # idle keep-alive connections end instead of holding a thread forever

    def do_GET(self) -> None:
        self.server.hub._handle(self, "GET")  # type: ignore[attr-defined]

    def do_HEAD(self) -> None:
        self.server.hub._handle(self, "HEAD")  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean; `FakeHub.requests` records what matters


def isolate_huggingface_hub(monkeypatch: pytest.MonkeyPatch, hf_home: Path) -> None:
    """Keep huggingface_hub away from the user's cache, token and offline setting, and fail fast."""
    from huggingface_hub import constants

    for var in (
        "HF_HUB_OFFLINE",
        "TRANSFORMERS_OFFLINE",
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HF_ENDPOINT",
        "HF_OIDC_RESOURCE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HOME", str(hf_home))
    # huggingface_hub reads its environment once at import: patch what it already read.
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HOME", str(hf_home))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf_home / "hub"))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(hf_home / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(hf_home / "stored_tokens"))
    monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", 3)
    monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", 3)
