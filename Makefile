# The commands of the README. Each installs what it needs first.
#   make demo       serve the bundled demo news sites on loopback and crawl them
#   make test       every test (needs the servers of `scripts/setup.sh --test`)
#   make test-fast  unit-level tests only (no crawl, server or browser): under a minute
#   make lint       ruff and mypy --strict
.PHONY: demo test test-fast lint setup

export PATH := $(HOME)/.local/bin:$(PATH)
PYTEST = PATH="$(CURDIR)/.venv/bin:/usr/sbin:$$PATH" .venv/bin/python -m pytest
FAST = not slow and not crawl and not browser and not s3 and not redis

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/newsarchive demo

test:
	bash scripts/setup.sh --test
	$(PYTEST) -q

test-fast: setup
	$(PYTEST) -q -m "$(FAST)" --durations=5

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
