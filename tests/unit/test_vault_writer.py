"""Atomic, non-overwriting writes that stay inside the vault."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from homevoice.vault import VaultError, VaultWriter


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    return root


def _files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "rel",
    ["../x", "../../etc/passwd", "a/../../x", "/etc/passwd", "\\\\server\\x", "C:/x", "a\\..\\..\\x", "a\0b"],
)
def test_resolve_refuses_escapes(vault: Path, rel: str) -> None:
    with pytest.raises(VaultError) as caught:
        VaultWriter(vault).resolve(rel)
    assert caught.value.code == "vault_path_escape"
    assert "inside the vault" in caught.value.message


def test_resolve_inside(vault: Path) -> None:
    writer = VaultWriter(vault)
    assert writer.resolve("Inbox/Note.md") == vault / "Inbox" / "Note.md"
    assert writer.resolve("./Inbox//Note.md") == vault / "Inbox" / "Note.md"
    assert writer.resolve("") == vault


def test_symlinked_folder_outside_is_refused(vault: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault / "Inbox").symlink_to(outside, target_is_directory=True)
    writer = VaultWriter(vault)
    for call in (
        lambda: writer.create("Inbox/Note.md", b"x"),
        lambda: writer.read("Inbox/Note.md"),
        lambda: writer.unique_path("Inbox/deeper", "Note.md"),
    ):
        with pytest.raises(VaultError) as caught:
            call()
        assert caught.value.code == "vault_path_escape"
    assert list(outside.iterdir()) == []


def test_symlinked_file_outside_is_refused(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (vault / "link.md").symlink_to(secret)
    with pytest.raises(VaultError):
        VaultWriter(vault).read("link.md")


def test_symlink_inside_the_vault_is_fine(vault: Path) -> None:
    (vault / "Real").mkdir()
    (vault / "Alias").symlink_to(vault / "Real", target_is_directory=True)
    writer = VaultWriter(vault)
    assert writer.create("Alias/Note.md", b"x")
    assert (vault / "Real" / "Note.md").read_bytes() == b"x"


def test_create_writes_and_never_overwrites(vault: Path) -> None:
    writer = VaultWriter(vault)
    assert writer.create("Inbox/Note.md", "Привет\n".encode())
    assert (vault / "Inbox" / "Note.md").read_text(encoding="utf-8") == "Привет\n"
    assert not writer.create("Inbox/Note.md", b"other")
    assert (vault / "Inbox" / "Note.md").read_text(encoding="utf-8") == "Привет\n"
    assert _files(vault) == ["Inbox/Note.md"]  # no temp files left


def test_create_uses_normal_permissions(vault: Path) -> None:
    writer = VaultWriter(vault)
    writer.create("Note.md", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert (vault / "Note.md").stat().st_mode & 0o777 == 0o666 & ~umask


def test_create_without_hard_links_falls_back(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    writer = VaultWriter(vault)
    assert writer.create("Note.md", b"data")
    assert not writer.create("Note.md", b"other")
    assert _files(vault) == ["Note.md"]
    assert (vault / "Note.md").read_bytes() == b"data"


def test_disk_full_leaves_nothing_behind(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    writer = VaultWriter(vault)
    with pytest.raises(VaultError) as caught:
        writer.create("Inbox/Note.md", b"x" * 100)
    monkeypatch.undo()
    assert caught.value.code == "vault_unwritable"
    assert "Inbox/Note.md" in caught.value.message
    assert os.strerror(errno.ENOSPC) in caught.value.message
    assert _files(vault) == []


def test_disk_full_during_replace_keeps_the_old_file(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = VaultWriter(vault)
    writer.create("Note.md", b"old")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(VaultError) as caught:
        writer.replace_if_unchanged("Note.md", b"new", writer.sha256(b"old"))
    monkeypatch.undo()
    assert caught.value.code == "vault_unwritable"
    assert _files(vault) == ["Note.md"]
    assert (vault / "Note.md").read_bytes() == b"old"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_read_only_folder_is_unwritable(vault: Path) -> None:
    (vault / "Locked").mkdir()
    (vault / "Locked").chmod(0o555)
    try:
        with pytest.raises(VaultError) as caught:
            VaultWriter(vault).create("Locked/Note.md", b"x")
        assert caught.value.code == "vault_unwritable"
    finally:
        (vault / "Locked").chmod(0o755)


def test_replace_if_unchanged(vault: Path) -> None:
    writer = VaultWriter(vault)
    writer.create("Note.md", b"v1")
    assert writer.replace_if_unchanged("Note.md", b"v2", writer.sha256(b"v1"))
    assert writer.read("Note.md") == b"v2"
    # The owner edits the note: a stale hash must not clobber the edit.
    (vault / "Note.md").write_bytes(b"owner's edit")
    assert not writer.replace_if_unchanged("Note.md", b"v3", writer.sha256(b"v2"))
    assert writer.read("Note.md") == b"owner's edit"
    assert not writer.replace_if_unchanged("Gone.md", b"x", writer.sha256(b""))
    assert _files(vault) == ["Note.md"]


def test_replace_keeps_file_mode(vault: Path) -> None:
    writer = VaultWriter(vault)
    writer.create("Note.md", b"v1")
    (vault / "Note.md").chmod(0o640)
    assert writer.replace_if_unchanged("Note.md", b"v2", writer.sha256(b"v1"))
    assert (vault / "Note.md").stat().st_mode & 0o777 == 0o640


def test_read(vault: Path) -> None:
    writer = VaultWriter(vault)
    assert writer.read("missing.md") is None
    assert writer.read("missing/deeper.md") is None
    (vault / "Note.md").write_bytes(b"abc")
    assert writer.read("Note.md") == b"abc"
    (vault / "Dir.md").mkdir()
    with pytest.raises(VaultError) as caught:
        writer.read("Dir.md")
    assert caught.value.code == "vault_unreadable"


def test_sha256() -> None:
    assert VaultWriter.sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_unique_path_case_insensitive(vault: Path) -> None:
    writer = VaultWriter(vault)
    assert writer.unique_path("Inbox", "Note.md") == "Inbox/Note.md"
    assert (vault / "Inbox").is_dir()
    (vault / "Inbox" / "NOTE.md").write_bytes(b"")
    assert writer.unique_path("Inbox", "Note.md") == "Inbox/Note 2.md"
    (vault / "Inbox" / "note 2.MD").write_bytes(b"")
    assert writer.unique_path("Inbox/", "Note.md") == "Inbox/Note 3.md"
    assert writer.unique_path("", "Note.md") == "Note.md"


def test_unique_path_unicode_normalisation(vault: Path) -> None:
    writer = VaultWriter(vault)
    (vault / "Йод.md").write_bytes(b"")  # NFC
    decomposed = "И\u0306од.md"  # NFD, as macOS writes it
    assert writer.unique_path("", decomposed) == "И\u0306од 2.md"


def test_unique_path_then_create_loop(vault: Path) -> None:
    writer = VaultWriter(vault)
    made = []
    for _ in range(3):
        rel = writer.unique_path("Inbox", "Idea.md")
        assert writer.create(rel, b"x")
        made.append(rel)
    assert made == ["Inbox/Idea.md", "Inbox/Idea 2.md", "Inbox/Idea 3.md"]


def test_permission_denied_is_unwritable(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def denied(path: object, flags: int, *args: int) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(VaultError) as caught:
        VaultWriter(vault).create("Note.md", b"x")
    monkeypatch.undo()
    assert caught.value.code == "vault_unwritable"
    assert "let this service write" in caught.value.message
    assert _files(vault) == []


def test_missing_vault_is_not_created(tmp_path: Path) -> None:
    writer = VaultWriter(tmp_path / "unmounted")
    for call in (lambda: writer.create("Note.md", b"x"), lambda: writer.unique_path("Inbox", "Note.md")):
        with pytest.raises(VaultError) as caught:
            call()
        assert caught.value.code == "vault_unwritable"
        assert "mounted" in caught.value.message
    assert writer.read("Note.md") is None
    assert not (tmp_path / "unmounted").exists()
