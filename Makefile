# `make` runs lint, type checks and the tests: the whole dev loop in one command.
.PHONY: check lint typecheck test bench

check: lint typecheck test

lint:
	ruff check src tests benchmarks
	ruff format --check src tests benchmarks

typecheck:
	mypy

test:
	python -m pytest

bench:
	python benchmarks/throughput.py
