"""The EPUB container: safe reads from the zip, and the package file (metadata, manifest, spine, TOC).

An uploaded EPUB is hostile until proven otherwise: members are never written to disk, every
path is resolved inside the archive, and the total uncompressed size is capped so a small zip
cannot expand into gigabytes (a zip bomb).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import unquote
from xml.etree import ElementTree as ET

from homevoice.audiobooks.document import Cover, DocumentError
from homevoice.audiobooks.extract.common import collapse, language_code
from homevoice.audiobooks.extract.epub_html import NavEntry, nav_entries

MAX_UNCOMPRESSED_BYTES: Final = 200 * 1024 * 1024
MAX_MEMBERS: Final = 20_000
MAX_COVER_BYTES: Final = 10 * 1024 * 1024
_CONTAINER: Final = "META-INF/container.xml"
_HTML_TYPES: Final = frozenset({"application/xhtml+xml", "text/html", "application/html"})
_HTML_SUFFIXES: Final = (".xhtml", ".html", ".htm")
_NCX_TYPE: Final = "application/x-dtbncx+xml"


def invalid(detail: str) -> DocumentError:
    return DocumentError(
        f"The EPUB file is damaged ({detail}); export or download it again.", code="invalid_document"
    )


def _local(tag: str) -> str:
    """An XML name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _attribute(element: ET.Element, name: str) -> str:
    """An attribute by local name, whatever namespace prefix the file used."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return ""


def resolve(base: str, href: str) -> str | None:
    """``href`` relative to the member ``base`` as a member name; None when it leaves the archive."""
    target = unquote(href.split("#", 1)[0]).replace("\\", "/")
    if not target or "://" in href or target.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


class Archive:
    """Members of the zip, read with the size budget enforced."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise invalid(f"{len(infos)} files inside, more than any book needs")
        declared = sum(info.file_size for info in infos)
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise DocumentError(
                f"The EPUB would unpack to {declared // (1024 * 1024)} MB, more than the "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB allowed; it is not a normal e-book.",
                code="invalid_document",
            )
        self._zip = archive
        self._names = {info.filename: info for info in infos if not info.is_dir()}
        self._folded = {name.casefold(): name for name in self._names}
        self._budget = MAX_UNCOMPRESSED_BYTES

    def find(self, name: str) -> str | None:
        """The member's exact name; some books differ from their manifest in letter case."""
        return name if name in self._names else self._folded.get(name.casefold())

    def read(self, name: str) -> bytes:
        exact = self.find(name)
        if exact is None:
            raise invalid(f"{name} is missing")
        # The declared size may lie; read at most the remaining budget and stop there.
        with self._zip.open(self._names[exact]) as member:
            data = member.read(self._budget + 1)
        self._budget -= len(data)
        if self._budget < 0:
            raise invalid("it unpacks to more than it declares")
        return data


@dataclass(frozen=True)
class Item:
    name: str
    media_type: str
    properties: frozenset[str]


@dataclass
class Package:
    """What the OPF file says about the book."""

    name: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    manifest: dict[str, Item] = field(default_factory=dict)
    spine: list[str] = field(default_factory=list)
    """Member names of the reading order's HTML documents."""
    toc_id: str = ""
    cover_id: str = ""

    def item_with(self, prop: str) -> Item | None:
        return next((item for item in self.manifest.values() if prop in item.properties), None)


def package_name(archive: Archive) -> str:
    root = ET.fromstring(archive.read(_CONTAINER))
    for element in root.iter():
        if _local(element.tag) == "rootfile":
            full_path = _attribute(element, "full-path")
            name = resolve("", full_path)
            if name is None:
                raise invalid(f"the package path {full_path!r} points outside the book")
            return name
    raise invalid("container.xml names no package file")


def _is_html(item: Item) -> bool:
    return item.media_type in _HTML_TYPES or item.name.lower().endswith(_HTML_SUFFIXES)


def read_package(archive: Archive) -> Package:
    name = package_name(archive)
    root = ET.fromstring(archive.read(name))
    package = Package(name)
    roles: dict[str, str] = {}
    creators: list[tuple[str, str, str]] = []  # (id, role attribute, name)
    for element in root.iter():
        tag, text = _local(element.tag), collapse(element.text or "")
        if tag == "title" and not package.title:
            package.title = text
        elif tag == "creator" and text:
            creators.append((_attribute(element, "id"), _attribute(element, "role"), text))
        elif tag == "language" and package.language is None:
            package.language = language_code(text)
        elif tag == "meta":
            if _attribute(element, "name") == "cover":
                package.cover_id = _attribute(element, "content")
            elif _attribute(element, "property") == "role":
                roles[_attribute(element, "refines").lstrip("#")] = text
        elif tag == "item":
            href = resolve(name, _attribute(element, "href"))
            if href is not None:
                props = frozenset(_attribute(element, "properties").split())
                package.manifest[_attribute(element, "id")] = Item(
                    href, _attribute(element, "media-type"), props
                )
        elif tag == "spine":
            package.toc_id = _attribute(element, "toc")
        elif tag == "itemref":
            item = package.manifest.get(_attribute(element, "idref"))
            if item is not None and _is_html(item):
                package.spine.append(item.name)
    named = [(roles.get(cid) or role, person) for cid, role, person in creators]
    authors = [person for role, person in named if role in ("", "aut")]
    package.authors = authors or [person for _, person in named]
    return package


def _ncx_entries(root: ET.Element, depth: int = 1) -> list[NavEntry]:
    entries: list[NavEntry] = []
    for point in root:
        if _local(point.tag) != "navPoint":
            continue
        label = next((e.text or "" for e in point.iter() if _local(e.tag) == "text"), "")
        content = next((e for e in point if _local(e.tag) == "content"), None)
        if content is not None and collapse(label):
            entries.append(NavEntry(depth, collapse(label), _attribute(content, "src")))
        entries.extend(_ncx_entries(point, depth + 1))
    return entries


def toc_entries(archive: Archive, package: Package) -> tuple[str, list[NavEntry]]:
    """The table of contents (EPUB 3 nav, else EPUB 2 NCX) and the member it came from; hrefs resolved."""
    nav = package.item_with("nav")
    if nav is not None and archive.find(nav.name):
        entries = nav_entries(archive.read(nav.name))
        if entries:
            return nav.name, _resolved(nav.name, entries)
    ncx = package.manifest.get(package.toc_id) or next(
        (item for item in package.manifest.values() if item.media_type == _NCX_TYPE), None
    )
    if ncx is not None and archive.find(ncx.name):
        root = ET.fromstring(archive.read(ncx.name))
        nav_map = next((e for e in root.iter() if _local(e.tag) == "navMap"), None)
        if nav_map is not None:
            return ncx.name, _resolved(ncx.name, _ncx_entries(nav_map))
    return "", []


def _resolved(base: str, entries: list[NavEntry]) -> list[NavEntry]:
    kept: list[NavEntry] = []
    for entry in entries:
        name = resolve(base, entry.href)
        if name is not None:
            fragment = entry.href.partition("#")[2]
            kept.append(
                NavEntry(entry.depth, entry.title, f"{name}#{unquote(fragment)}" if fragment else name)
            )
    return kept


def read_cover(archive: Archive, package: Package) -> Cover | None:
    """The cover image when it is a JPEG or PNG of reasonable size; anything else is simply no cover."""
    item = package.item_with("cover-image") or package.manifest.get(package.cover_id)
    if item is None and package.cover_id:
        # Some books put the image's path, not its id, in <meta name="cover">.
        wanted = resolve(package.name, package.cover_id)
        item = next((i for i in package.manifest.values() if i.name == wanted), None)
    if item is None or archive.find(item.name) is None:
        return None
    data = archive.read(item.name)
    if len(data) > MAX_COVER_BYTES:
        return None
    if data.startswith(b"\xff\xd8\xff"):
        return Cover(data, "image/jpeg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Cover(data, "image/png")
    return None


def drm_protected(archive: Archive) -> bool:
    """Text documents listed in META-INF/encryption.xml (font obfuscation alone is harmless)."""
    if archive.find("META-INF/encryption.xml") is None:
        return False
    root = ET.fromstring(archive.read("META-INF/encryption.xml"))
    for element in root.iter():
        if _local(element.tag) == "CipherReference":
            uri = _attribute(element, "URI").lower()
            if uri.endswith((*_HTML_SUFFIXES, ".xml", ".opf")):
                return True
    return False
