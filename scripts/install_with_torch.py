"""Install homevoice with extras that need torch, taking the torch build the machine should have.

    python scripts/install_with_torch.py [--torch auto|cpu|cuda] EXTRAS [PIP OPTIONS...]

Run it with the virtual environment's Python from the project's root (the Makefile does:
`make install-clone`, and the dev install behind `make test`). It runs `pip install -e .[EXTRAS]`:

* ``cpu``: on x86-64 Linux, PyPI's torch is a CUDA build of several GB; the CPU build is pinned by
  ``constraints/cpu-torch.txt`` and comes from where pip already finds it (a wheel folder in its
  find-links), else from PyTorch's CPU index when that is reachable. When neither has it, the
  clone extra is refused with what to do instead; the dev extra is installed without the extras
  that need torch (their tests then skip), with a warning.
* ``cuda``: PyPI's torch as it is (for machines with an NVIDIA GPU).
* ``auto``: ``cuda`` when ``nvidia-smi`` lists a GPU, else ``cpu``.

Then torchaudio's compiled libraries are removed unless they load: torchaudio has no release for
torch 2.13, and PyPI's 2.11 libraries are built for CUDA and for torch 2.11. Its pure-Python parts,
all that XTTS uses (mel spectrogram, resampling), keep working. Standard library only.
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints" / "cpu-torch.txt"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PROBE_TIMEOUT_S = 5


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--torch", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("extras", help="comma-separated extras of homevoice, for example clone or dev")
    args, pip_options = parser.parse_known_args(argv)
    build = args.torch if args.torch != "auto" else ("cuda" if has_nvidia_gpu() else "cpu")
    extras = [e.strip() for e in args.extras.split(",") if e.strip()]
    requirements: list[str] = []
    pinned = build == "cpu" and needs_cpu_pin()
    sources = cpu_torch_sources() if pinned else []
    if sources is None:
        lighter = without_torch(extras)
        if lighter is None:
            return 2
        extras, requirements = lighter
    command = [sys.executable, "-m", "pip", "install", *pip_options]
    if pinned:
        command += ["-c", str(CONSTRAINTS), *(sources or [])]
    command += ["-e", f"{ROOT}[{','.join(extras)}]" if extras else str(ROOT), *requirements]
    print(f"install_with_torch: torch {build} build: {' '.join(command[3:])}", flush=True)
    installed = subprocess.run(command, check=False)
    if installed.returncode != 0:
        return installed.returncode
    strip_torchaudio_libraries()
    return 0


def has_nvidia_gpu() -> bool:
    if shutil.which("nvidia-smi") is None:
        return False
    result = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, check=False)
    return result.returncode == 0 and "GPU" in result.stdout


def needs_cpu_pin() -> bool:
    """Only x86-64 Linux gets a CUDA torch from PyPI; elsewhere PyPI's torch is the CPU build."""
    return sys.platform == "linux" and platform.machine() in ("x86_64", "AMD64")


def pinned_version() -> str:
    match = re.search(r"^torch==(\S+)", CONSTRAINTS.read_text(), re.MULTILINE)
    if match is None:
        raise SystemExit(f"{CONSTRAINTS} pins no torch version")
    return match.group(1)


def cpu_torch_sources() -> list[str] | None:
    """pip options that make the pinned CPU build reachable; None when nothing has it."""
    version = pinned_version()
    if installed_torch() == version:
        return []
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "torch"],
        capture_output=True,
        text=True,
        check=False,
    )
    if re.search(rf"[\s,]{re.escape(version)}(,|\s|$)", listed.stdout):
        return []  # pip's own settings (find-links, index) already have it
    try:
        with urllib.request.urlopen(f"{TORCH_CPU_INDEX}/torch/", timeout=PROBE_TIMEOUT_S) as response:
            if response.status == 200:
                return ["--extra-index-url", TORCH_CPU_INDEX]
    except OSError:
        pass
    return None


def installed_torch() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:
        return None


def without_torch(extras: list[str]) -> tuple[list[str], list[str]] | None:
    """``extras`` less those that need torch, as (extras, plain requirements) for one pip call; or
    None, after saying what to do, when an extra asked for by name needs torch."""
    version = pinned_version()
    with (ROOT / "pyproject.toml").open("rb") as f:
        optional: dict[str, list[str]] = tomllib.load(f)["project"]["optional-dependencies"]
    heavy = {name for name, reqs in optional.items() if any(_name(r) == "torch" for r in reqs)}
    if any(e in heavy for e in extras):
        print(
            f"install_with_torch: torch {version} (CPU build) is neither in a wheel folder pip knows "
            f"(PIP_FIND_LINKS) nor on PyTorch's CPU index ({TORCH_CPU_INDEX}). Put that wheel in a "
            "folder and set PIP_FIND_LINKS to it, or take PyPI's CUDA build (several GB) with "
            "`make install-clone TORCH=cuda`.",
            file=sys.stderr,
        )
        return None
    kept: list[str] = []
    requirements: list[str] = []
    for extra in extras:
        included = [_self_extra(r) for r in optional.get(extra, [])]
        if not any(name in heavy for name in included):
            kept.append(extra)
            continue
        print(
            f"install_with_torch: WARNING: no CPU build of torch {version} is reachable, so the {extra} "
            f"extra is installed without {', '.join(sorted(heavy))}, whose tests will be skipped. Set "
            "PIP_FIND_LINKS to a folder holding that wheel to include them.",
            file=sys.stderr,
        )
        kept += [name for name in included if name is not None and name not in heavy]
        requirements += [r for r in optional[extra] if _self_extra(r) is None]
    return kept, requirements


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _self_extra(requirement: str) -> str | None:
    match = re.fullmatch(r"homevoice\[([\w-]+)\]", requirement.strip())
    return match.group(1) if match else None


def strip_torchaudio_libraries() -> None:
    """Remove torchaudio's compiled libraries when they do not load beside this torch."""
    probe = subprocess.run([sys.executable, "-c", "import torchaudio"], capture_output=True, check=False)
    if probe.returncode == 0:
        return
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib.util as u; s = u.find_spec('torchaudio'); print(s.origin if s else '')",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not found:
        return
    libraries = sorted((Path(found).parent / "lib").glob("*.so"))
    for library in libraries:
        library.unlink()
    check = subprocess.run(
        [sys.executable, "-c", "import torchaudio"], capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        raise SystemExit(f"install_with_torch: torchaudio does not import:\n{check.stderr[-2000:]}")
    print(f"install_with_torch: removed {len(libraries)} compiled torchaudio libraries (they need CUDA)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
