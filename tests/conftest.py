"""Shared fixtures: paths to ../shared (skipped with a reason when absent), the loaded pipeline, and stores of
each backend (SQLite in memory; PostgreSQL in a schema of its own when CONFLICTLENS_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLE = SHARED / "examples" / "operation-herof.txt"


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from conflictlens.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def example_text() -> str:
    if not EXAMPLE.is_file():
        pytest.skip(f"the shared example report is not at {EXAMPLE} (../shared beside the repository)")
    return EXAMPLE.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Stores: every storage test runs against SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------------------

POSTGRES_URL_ENV = "CONFLICTLENS_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgres")


def postgres_url_or_skip() -> str:
    """The test server's URL (from CONFLICTLENS_TEST_POSTGRES_URL); the test is skipped, saying why, without it."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        pytest.skip(
            f"{POSTGRES_URL_ENV} is not set: the PostgreSQL half of the storage tests needs a server and a database "
            "the URL's user owns (.ci/run starts one and sets it)"
        )
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except psycopg.Error as exc:
        pytest.skip(f"{POSTGRES_URL_ENV} is set but the server cannot be used: {exc}")
    return url


def _with_search_path(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture
def store_target(request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """Makes targets of fresh, empty stores of one backend: ":memory:", or a PostgreSQL schema of its own."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield lambda: ":memory:"
        return
    url = postgres_url_or_skip()
    import psycopg

    schemas: list[str] = []

    def fresh() -> str:
        schemas.append(f"test_{uuid.uuid4().hex[:16]}")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schemas[-1]}")
        return _with_search_path(url, schemas[-1])

    yield fresh
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def new_store(store_target: Callable[[], str]) -> Iterator[Callable[[], Any]]:
    """Opens fresh, empty stores of the test's backend; all are closed afterwards."""
    from conflictlens.store import open_store

    opened: list[Any] = []

    def open_fresh() -> Any:
        opened.append(open_store(store_target()))
        return opened[-1]

    yield open_fresh
    for s in opened:
        s.close()


@pytest.fixture
def store(new_store: Callable[[], Any]) -> Any:
    """A fresh, empty store; parametrize ``store_target`` (see pytest_generate_tests) to get both backends."""
    return new_store()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests in modules that set ``STORE_BACKENDS`` run once per backend when they use a store fixture (unless
    they parametrize ``store_target`` themselves)."""
    backends = getattr(metafunc.module, "STORE_BACKENDS", None)
    chosen = any("store_target" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if backends and "store_target" in metafunc.fixturenames and not chosen:
        metafunc.parametrize("store_target", backends, indirect=True)
