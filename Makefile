# The two commands of the README. Each installs what it needs first.
.PHONY: demo test lint setup

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/newsarchive demo

test:
	bash scripts/setup.sh --test
	PATH="$(CURDIR)/.venv/bin:/usr/sbin:$$PATH" .venv/bin/python -m pytest -q

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
