from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from examgen.bank import Bank, load_bank
from examgen.practice import create_app


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


class CsrfClient(FlaskClient):
    """A browser's test client: POSTs carry the session's CSRF token as the pages' forms do
    (``csrf=False`` sends none, as another site would)."""

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            kwargs["data"] = {**(data or {}), "csrf": csrf_of(self)}
        elif csrf:
            kwargs.setdefault("headers", {})["X-CSRF-Token"] = csrf_of(self)
        return super().post(*args, **kwargs)


def csrf_of(client: FlaskClient) -> str:
    """The client's CSRF token (a page is fetched first when the session has none yet)."""
    with client.session_transaction() as s:
        token = s.get("csrf")
    if token is None:
        client.get("/health")
        client.get("/")
        with client.session_transaction() as s:
            token = s.get("csrf")
    return str(token)


def browser_app(*args: Any, **kwargs: Any) -> Flask:
    """``create_app`` whose test clients send CSRF tokens like the pages' forms."""
    app = create_app(*args, **kwargs)
    app.test_client_class = CsrfClient
    return app


@pytest.fixture()
def app(tmp_path: Path, bank: Bank) -> Flask:
    return browser_app(tmp_path / "practice.sqlite3", bank)


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
