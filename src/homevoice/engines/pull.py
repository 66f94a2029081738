"""Fetch a model or voice from a Hugging Face compatible hub (`homevoice models pull`).

A faster-whisper model is a whole repository; a Piper voice is two files deep inside the shared
voices repository, stored flat in the voice's folder (``HubSource.flatten``).

huggingface_hub 2.4.0 deletes its partial file whenever ``hf_hub_download`` fails (temporary names
are unique per process), so it cannot resume across runs. We therefore keep our own partial files
under ``<model dir>/.cache/homevoice/`` and hand them to huggingface_hub's ``http_get`` with
``resume_size``, which asks the hub for the rest with an HTTP Range request.

huggingface_hub is imported inside the functions: it costs ~0.4 s to import, and callers of
`sha256_file` need none of it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any

from homevoice.engines.catalog import HubSource, ModelSpec, SystemSource
from homevoice.engines.hub_errors import hub_errors
from homevoice.engines.manifest import MANIFEST_NAME, ModelManifest, read_manifest, write_manifest
from homevoice.errors import ChecksumError, DownloadError, HomevoiceError

logger = logging.getLogger(__name__)

_BLOCK = 1 << 20
_CACHE_DIR = ".cache"  # huggingface_hub's name for its folder inside a local_dir; ours lives in it too
_PARTIAL_DIR = PurePosixPath(_CACHE_DIR, "homevoice")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks so multi-GB weights never sit in memory."""
    return _digest(path, hashlib.sha256())


@dataclass(frozen=True)
class _RemoteFile:
    """One file of the repository, as the hub describes it."""

    name: str
    size: int | None
    sha256: str | None
    """sha256 of the content; known only for LFS files."""
    blob_id: str | None
    """git blob sha1; for LFS files it is the pointer's, so it only checks small files."""
    local: str
    """Where it goes inside the model directory: ``name``, or its base name when flattened."""


@dataclass(frozen=True)
class _Pull:
    """Everything the per-file steps need."""

    model: str
    repo_id: str
    commit: str
    endpoint: str
    target: Path
    token: str | None
    tqdm_class: type[Any] | None


def pull_model(
    spec: ModelSpec,
    models_dir: Path,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    progress: bool = True,
) -> Path:
    """Download ``spec`` into ``models_dir/<name>``, verify it and write its manifest; return that directory.

    Does nothing when a manifest already says the model is there. An interrupted pull resumes where
    it stopped when run again.
    """
    source = _hub_source(spec)
    target = models_dir / spec.name
    if _installed(target):
        logger.info("Model %s is already installed in %s", spec.name, target)
        return target

    endpoint = _endpoint(endpoint)
    commit, files = _list_files(spec, source, endpoint, token)
    pull = _Pull(spec.name, source.repo_id, commit, endpoint, target, token, _tqdm_class(progress))
    total_mb = sum(f.size or 0 for f in files) / 1e6
    logger.info(
        "Pulling %s from %s@%s (%d files, %.0f MB)", spec.name, source.repo_id, commit, len(files), total_mb
    )

    target.mkdir(parents=True, exist_ok=True)
    # The manifest means "complete"; drop a stale one so a failed re-pull cannot look installed.
    (target / MANIFEST_NAME).unlink(missing_ok=True)
    hashes = {remote.local: _fetch(pull, remote) for remote in files}
    write_manifest(
        target,
        ModelManifest(
            name=spec.name, engine=str(spec.engine), source=f"hub:{source.repo_id}@{commit}", files=hashes
        ),
    )
    shutil.rmtree(target / _CACHE_DIR, ignore_errors=True)
    logger.info("Model %s installed in %s", spec.name, target)
    return target


def _hub_source(spec: ModelSpec) -> HubSource:
    if isinstance(spec.source, SystemSource):
        raise HomevoiceError(
            f"{spec.name} is a system voice: the Debian package(s) {', '.join(spec.source.debian_packages)} "
            "provide it (`make install` installs them); there is nothing to pull.",
            code="model_system",
        )
    if not isinstance(spec.source, HubSource):
        raise HomevoiceError(
            f"Model {spec.name!r} is embedded: it comes with the homevoice packages and is installed by "
            "`make install`, not pulled from a hub.",
            code="model_embedded",
        )
    return spec.source


def _installed(target: Path) -> bool:
    manifest = read_manifest(target)
    return (
        manifest is not None and bool(manifest.files) and all((target / n).is_file() for n in manifest.files)
    )


def _endpoint(endpoint: str | None) -> str:
    from huggingface_hub import constants

    return (endpoint or constants.ENDPOINT).rstrip("/")


def _tqdm_class(progress: bool) -> type[Any] | None:
    # None keeps huggingface_hub's own bars (which honour HF_HUB_DISABLE_PROGRESS_BARS); a class
    # passed per call silences them without flipping huggingface_hub's global switch.
    return None if progress else _silent_tqdm()


@functools.cache
def _silent_tqdm() -> type[Any]:
    from huggingface_hub.utils.tqdm import tqdm

    class SilentTqdm(tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]

    return SilentTqdm


def _list_files(
    spec: ModelSpec, source: HubSource, endpoint: str, token: str | None
) -> tuple[str, list[_RemoteFile]]:
    """The commit ``source.revision`` resolves to, and the wanted files with their sizes and checksums."""
    from huggingface_hub import HfApi, constants

    api = HfApi(endpoint=endpoint, token=token, library_name="homevoice")
    with hub_errors(source.repo_id, endpoint, revision=source.revision):
        info = api.model_info(
            source.repo_id,
            revision=source.revision,
            files_metadata=True,
            timeout=constants.HF_HUB_ETAG_TIMEOUT,  # the default (None) would wait forever on a stuck hub
        )
    files = [
        _RemoteFile(
            name=s.rfilename,
            size=s.size,
            sha256=s.lfs.sha256 if s.lfs is not None else None,
            blob_id=s.blob_id,
            local=PurePosixPath(s.rfilename).name if source.flatten else s.rfilename,
        )
        for s in info.siblings or []
        if any(fnmatchcase(s.rfilename, pattern) for pattern in source.allow_patterns)
    ]
    if not files:
        raise DownloadError(
            f"{source.repo_id}@{source.revision} on {endpoint} has no files matching "
            f"{', '.join(source.allow_patterns)}; is it a {spec.engine} repository?"
        )
    for remote in files:
        _check_name(remote.name)
    locals_ = [remote.local for remote in files]
    if len(set(locals_)) != len(locals_):
        raise DownloadError(
            f"{source.repo_id} has several files with the same name among {', '.join(locals_)}; "
            "narrow the catalog's allow_patterns."
        )
    commit: str = info.sha or source.revision
    return commit, files


def _check_name(name: str) -> None:
    # File names come from the network: never let one write outside the model directory.
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        raise DownloadError(f"The hub listed an unsafe file name {name!r}; refusing to download it.")


def _fetch(pull: _Pull, remote: _RemoteFile) -> str:
    """Make ``target/<local name>`` the hub's file and return its sha256."""
    final = pull.target / remote.local
    if final.is_file():
        # Left by an earlier pull that failed on a later file: keep it if it is still right.
        try:
            return _verify(final, remote)
        except ChecksumError:
            final.unlink()

    partial = pull.target / _PARTIAL_DIR / f"{remote.local}.{_version_key(remote, pull.commit)}.incomplete"
    _download(pull, remote, partial)
    try:
        sha256 = _verify(partial, remote)
    except ChecksumError as err:
        partial.unlink(missing_ok=True)
        raise ChecksumError(
            f"{remote.name} downloaded from {pull.repo_id}@{pull.commit} is corrupt ({err}); "
            f"the bad file was deleted. Run `homevoice models pull {pull.model}` again."
        ) from err
    final.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(final)
    return sha256


def _version_key(remote: _RemoteFile, commit: str) -> str:
    # Partial files are named after the content they are a prefix of, so a file that changed on the
    # hub between two runs is started afresh instead of resumed from the old bytes.
    return (remote.sha256 or remote.blob_id or commit)[:16]


def _download(pull: _Pull, remote: _RemoteFile, partial: Path) -> None:
    """Append the rest of ``remote`` to ``partial``, resuming from what it already holds."""
    from huggingface_hub import hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined]  # public, lazily exported

    partial.parent.mkdir(parents=True, exist_ok=True)
    done = partial.stat().st_size if partial.is_file() else 0
    if remote.size is not None and done > remote.size:
        partial.unlink()  # longer than the file itself: cannot be a prefix of it
        done = 0
    if done:
        logger.info("Resuming %s at %d of %s bytes", remote.name, done, remote.size)

    url = hf_hub_url(pull.repo_id, remote.name, revision=pull.commit, endpoint=pull.endpoint)
    headers = build_hf_headers(token=pull.token, library_name="homevoice")
    # Ranges must count bytes of the file itself, not of a gzip encoding the hub may pick.
    headers["Accept-Encoding"] = "identity"
    errors = hub_errors(pull.repo_id, pull.endpoint, revision=pull.commit, file=remote.name, model=pull.model)
    with errors, partial.open("ab") as out:
        http_get(
            url,
            out,
            resume_size=done,
            headers=headers,
            expected_size=remote.size,
            displayed_filename=remote.local,
            tqdm_class=pull.tqdm_class,
        )


def _verify(path: Path, remote: _RemoteFile) -> str:
    """The sha256 of ``path``; raises ChecksumError saying why when it is not the hub's file."""
    size = path.stat().st_size
    if remote.size is not None and size != remote.size:
        raise ChecksumError(f"{size} bytes instead of {remote.size}")
    if remote.sha256 is not None:
        sha256 = sha256_file(path)
        if sha256 != remote.sha256:
            raise ChecksumError(f"sha256 {sha256} instead of {remote.sha256}")
        return sha256
    # Small files: the hub only gives the git blob id, which hashes a "blob <size>\0" header first.
    git = hashlib.sha1(b"blob %d\0" % size, usedforsecurity=False)
    sha256 = _digest(path, hashlib.sha256(), git)
    if remote.blob_id is not None and git.hexdigest() != remote.blob_id:
        raise ChecksumError(f"git blob {git.hexdigest()} instead of {remote.blob_id}")
    if remote.size is None and remote.blob_id is None:
        logger.warning("The hub gave no size or checksum for %s; it is not verified", remote.name)
    return sha256


def _digest(path: Path, first: Any, *more: Any) -> str:
    """Feed the file to every hash object in one pass; return the first one's hex digest."""
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            for h in (first, *more):
                h.update(block)
    return str(first.hexdigest())
