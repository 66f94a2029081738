# homevoice: `make run` installs everything and starts the server on embedded defaults;
# `make test` installs the development tools and runs every check.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the install needs (checked with dpkg, installed with apt-get when missing).
# festival + festvox-ru: the Russian voice festival-ru (text2wave).
# build-essential + python3-dev: pyworld (the offline voice match) compiles at install.
DEBIAN_PACKAGES := python3-venv python3-dev build-essential festival festvox-ru
# The tests also start a real PostgreSQL server on 127.0.0.1 for workers sharing queues.
# build-essential + cmake: the dev extra compiles llama-cpp-python (a real LLM server for tests).
# chromium: the web page's tests drive Debian's browser with Playwright (which downloads none);
# fonts-dejavu-core gives it Latin and Cyrillic glyphs for screenshots.
TEST_DEBIAN_PACKAGES := postgresql strace build-essential cmake chromium fonts-dejavu-core
# Parallel compile jobs for packages built from source (llama-cpp-python: about 5 minutes on 2 cores).
CMAKE_BUILD_PARALLEL_LEVEL ?= 2
# The torch build for the clone extra (XTTS-v2): cpu, cuda, or auto (cuda when nvidia-smi lists a
# GPU). Empty: auto for `make install-clone`, cpu for the dev tools. PyPI's torch for x86-64 Linux is
# a CUDA build of several GB; scripts/install_with_torch.py takes the CPU build where it is reachable.
TORCH ?=

.PHONY: install install-clone run test lint typecheck pytest bench docs screenshots debian-packages test-debian-packages clean

install: debian-packages $(VENV)/.installed-core
	$(BIN)/homevoice models install

# Voice cloning for enrolled voices: the clone extra, then `homevoice models pull xtts-v2`.
install-clone: install
	$(BIN)/python scripts/install_with_torch.py --torch $(or $(TORCH),auto) clone -q

run: install
	$(BIN)/homevoice serve

test: debian-packages test-debian-packages $(VENV)/.installed-dev lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy
	$(BIN)/mypy bench/*.py
	$(BIN)/mypy --strict scripts/*.py

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/stt.py
	$(BIN)/python bench/http.py
	$(BIN)/python bench/tts.py
	$(BIN)/python bench/capture.py
	$(BIN)/python bench/wyoming.py
	$(BIN)/python bench/audiobook.py
	$(BIN)/python bench/rag.py
	$(BIN)/python bench/web.py
	$(BIN)/python scripts/install_with_torch.py --torch $(or $(TORCH),cpu) dev,voices-bench -q
	$(BIN)/python bench/voices.py

docs: $(VENV)/.installed-core
	$(BIN)/homevoice config docs > docs/configuration.md

# The web page's screens at phone and desktop widths, for docs/screenshots/.
screenshots: install test-debian-packages $(VENV)/.installed-dev
	$(BIN)/python scripts/web_screenshots.py --out docs/screenshots

test-debian-packages:
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(TEST_DEBIAN_PACKAGES)"

debian-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints/cpu-torch.txt scripts/install_with_torch.py | $(BIN)/python
	CMAKE_BUILD_PARALLEL_LEVEL=$(CMAKE_BUILD_PARALLEL_LEVEL) $(BIN)/python scripts/install_with_torch.py --torch $(or $(TORCH),cpu) dev -q
	touch $@ $(VENV)/.installed-core

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
