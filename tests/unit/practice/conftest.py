from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from examgen.bank import Bank, load_bank
from examgen.practice import create_app


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture()
def app(tmp_path: Path, bank: Bank) -> Flask:
    return create_app(tmp_path / "practice.sqlite3", bank)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, name: str = "민지", **choice: object) -> None:
    r = client.post("/login", data={"nickname": name})
    assert r.status_code == 303, r.text
    if choice:
        r = client.post("/choose", data=choice)
        assert r.status_code == 303, r.text


def run_concurrently(target: Callable[[int], None], n: int) -> None:
    """``target(k)`` for k in 0..n-1, each in its own thread, all at once."""
    threads = [threading.Thread(target=target, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
