"""PIN guesses are rate-limited per student id and per client: after 5 wrong PINs each try
waits, twice as long after each new failure; a try while waiting is refused unread."""

from __future__ import annotations

from pathlib import Path

from examgen.bank import Bank
from examgen.practice.security import load_practice_roster
from tests.unit.practice.conftest import browser_app


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pin_app(tmp_path: Path, bank: Bank, clock: Clock):  # type: ignore[no-untyped-def]
    from examgen.practice.throttle import PinThrottle

    roster = tmp_path / "pins.csv"
    roster.write_text("student_id,pin\n2024001,4821\n2024002,1111\n", encoding="utf-8")
    app = browser_app(tmp_path / "p.db", bank, roster=load_practice_roster(roster))
    app.extensions["examgen.practice"].throttle = PinThrottle(clock=clock)
    return app


def client_at(app, address: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, name: str, pin: str) -> int:  # type: ignore[no-untyped-def]
    return int(client.post("/login", data={"nickname": name, "pin": pin}).status_code)


def test_wrong_pins_for_one_id_make_it_wait_longer_each_time(tmp_path: Path,
                                                             bank: Bank) -> None:
    clock = Clock()
    app = pin_app(tmp_path, bank, clock)
    guesser = client_at(app, "10.0.0.9")
    for k in range(5):
        assert login(guesser, "2024001", f"000{k}") == 403
    owner = client_at(app, "10.0.0.1")
    r = owner.post("/login", data={"nickname": "2024001", "pin": "4821"})
    assert r.status_code == 429 and "1초 뒤에" in r.text   # even the right PIN waits, unread
    clock.now += 1.5
    assert login(guesser, "2024001", "0009") == 403          # the 6th failure: 2 s now
    clock.now += 1.5
    assert login(owner, "2024001", "4821") == 429
    clock.now += 1.0
    assert login(owner, "2024001", "4821") == 303            # the owner gets in after the wait
    assert login(app.test_client(), "2024001", "0000") == 403   # and the count starts over


def test_one_client_guessing_many_ids_waits_too(tmp_path: Path, bank: Bank) -> None:
    clock = Clock()
    app = pin_app(tmp_path, bank, clock)
    guesser = client_at(app, "10.0.0.9")
    for k in range(5):
        assert login(guesser, f"20240{k:02d}", "0000") == 403
    assert login(guesser, "2024002", "1111") == 429          # a sixth id: the client waits
    assert login(client_at(app, "10.0.0.2"),
                 "2024002", "1111") == 303                   # another client is not held up
    clock.now += 3600 * 2                                    # forgotten after an hour
    assert login(guesser, "2024001", "4821") == 303
