"""The practice app's protections (issue 18 item 7): CSRF tokens on every state-changing form,
sign-out that really ends a session, a signing key kept outside the database, a database the
app did not create left alone, and sign-in limited to a roster with PINs."""

from __future__ import annotations

import re
import sqlite3
import stat
import unicodedata
from pathlib import Path

import pytest
from flask import Flask

from examgen.bank.loader import Bank
from examgen.practice.security import SECRET_ENV, PracticeSetupError, load_practice_roster
from examgen.practice.store import Store, StoreError
from tests.unit.practice.conftest import browser_app, csrf_of, login

PE = "transformer-pe-single-value"


def signed_in_as(client: object) -> str | None:
    page = client.get("/progress")  # type: ignore[attr-defined]
    if page.status_code != 200:
        return None
    m = re.search(r'id="who"><b>([^<]*)<', page.text)
    return m.group(1) if m else None


@pytest.mark.parametrize("path, data", [
    ("/login", {"nickname": "mallory"}), ("/logout", {}), ("/choose", {"mode": "normal"}),
    (f"/p/{PE}/1", {"ans-a": "0.5"}),
])
def test_a_post_without_the_token_is_refused(app: Flask, path: str, data: dict[str, str]) -> None:
    c = app.test_client()
    login(c, "민지")
    for token in (None, "forged"):
        sent = dict(data) if token is None else {**data, "csrf": token}
        r = c.post(path, data=sent, csrf=False)
        assert r.status_code == 400, r.text
        assert "다른 사이트" in r.text
    assert signed_in_as(c) == "민지"   # not signed out, not signed in as someone else
    assert app.extensions["examgen.practice"].store.progress("민지").attempts == 0


def test_every_form_carries_the_token(app: Flask) -> None:
    c = app.test_client()
    assert 'name="csrf"' in c.get("/").text
    login(c, "민지", mode="normal")
    token = csrf_of(c)
    for url in ("/choose", f"/p/{PE}/1", "/progress"):
        page = c.get(url).text
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert forms, url
        for f in forms:
            assert f'name="csrf" value="{token}"' in f, (url, f[:120])


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app: Flask) -> None:
    c = app.test_client()
    login(c, "민지")
    cookie = c.get_cookie("session")
    assert cookie is not None
    assert c.post("/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert signed_in_as(thief) is None
    assert thief.get("/progress").status_code == 302   # back to sign-in


def test_sign_in_starts_a_new_session(app: Flask) -> None:
    c = app.test_client()
    before = csrf_of(c)
    login(c, "민지")
    assert csrf_of(c) != before   # a token planted before sign-in is not kept


def test_the_signing_key_is_a_0600_file_not_in_the_database(tmp_path: Path, bank: Bank,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    db = tmp_path / "p.db"
    app = browser_app(db, bank)
    key_file = tmp_path / "p.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.secret_key == key_file.read_text().strip()
    with sqlite3.connect(db) as raw:
        meta = dict(raw.execute("SELECT key, value FROM meta").fetchall())
    assert "secret_key" not in meta and app.secret_key not in meta.values()
    monkeypatch.setenv(SECRET_ENV, "k" * 40)
    assert browser_app(tmp_path / "q.db", bank).secret_key == "k" * 40
    key_file.chmod(0o644)
    with pytest.raises(PracticeSetupError, match="chmod 600"):
        monkeypatch.delenv(SECRET_ENV)
        browser_app(db, bank)


def test_an_old_database_loses_its_stored_key(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    Store(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("DELETE FROM meta")
        raw.execute("INSERT INTO meta (key, value) VALUES ('secret_key', 'abc')")
    raw.close()
    Store(db).close()   # accepted: it is one of ours
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key='secret_key'").fetchone() is None
    raw.close()


def test_a_database_it_did_not_create_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "grades.sqlite3"
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE grades (student TEXT, points REAL)")
        raw.execute("INSERT INTO grades VALUES ('a', 1)")
    raw.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="not created by examgen practice"):
        Store(db)
    assert db.read_bytes() == before
    assert not (tmp_path / "grades.sqlite3-wal").exists()


def test_roster_with_pins_limits_sign_in(tmp_path: Path, bank: Bank) -> None:
    roster_csv = tmp_path / "pins.csv"
    roster_csv.write_text("student_id,pin\n2024001,4821\n민지,0007\n", encoding="utf-8")
    app = browser_app(tmp_path / "p.db", bank, roster=load_practice_roster(roster_csv))
    c = app.test_client()
    assert 'name="pin"' in c.get("/").text
    for name, pin in [("2024001", "0000"), ("2024001", ""), ("stranger", "4821")]:
        r = c.post("/login", data={"nickname": name, "pin": pin})
        assert r.status_code == 403, (name, pin)
        assert signed_in_as(c) is None
    assert c.post("/login", data={"nickname": "2024001", "pin": "4821"}).status_code == 303
    assert signed_in_as(c) == "2024001"
    # NFD spelling of the same Korean name is the same student
    c2 = app.test_client()
    nfd = unicodedata.normalize("NFD", "민지")
    assert c2.post("/login", data={"nickname": nfd, "pin": "0007"}).status_code == 303
    assert signed_in_as(c2) == "민지"


@pytest.mark.parametrize("text, fragment", [
    ("id,pin\n1,2\n", "expected the columns student_id and pin"),
    ("student_id,pin\n1,\n", ":2: column pin"),
    ("student_id,pin\n1,2\n1,3\n", ":3: column student_id"),
    ("student_id,pin\n1,2,3\n", ":2: expected 2 cells"),
    ("student_id,pin\n", "lists no students"),
])
def test_bad_rosters_are_refused_with_their_line(tmp_path: Path, text: str, fragment: str) -> None:
    p = tmp_path / "pins.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(PracticeSetupError, match=re.escape(fragment)):
        load_practice_roster(p)
