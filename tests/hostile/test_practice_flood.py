"""The practice server keeps serving while several clients flood it with hostile answers
(issue 18 item 1): a normal student's requests stay fast. Loopback, a real waitress server."""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.practice import create_app

SYMBOLIC = "transformer-concat-dim-formula"
NUMERIC = "transformer-pe-single-value"
HOSTILE = ["(h+1)^64*(d_v+1)^64*(d_model+1)^64", "1e99999999+1", "exp(exp(exp(exp(10))))",
           "2x1e999999", "((h+d_v)^60-(d_v+h)^60)*(d_k+1)^60+h*d_v", "9" * 2000]
ROUNDS_NORMAL = 40
FLOODERS = 4


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as r:
            text = r.read().decode()
        if m := re.search(r'name="csrf" value="([^"]+)"', text):
            self.csrf = m.group(1)
        return text

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode({**data, "csrf": self.csrf}).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as r:
                text = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            text, status = e.read().decode(), e.code
        if m := re.search(r'name="csrf" value="([^"]+)"', text):
            self.csrf = m.group(1)
        return status

    def login(self, name: str) -> None:
        self.get("/")
        self.post("/login", {"nickname": name})


@pytest.fixture()
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    from waitress import create_server

    app = create_app(tmp_path / "p.db", load_bank())
    app.extensions["examgen.practice"].warm_up()
    srv = create_server(app, host="127.0.0.1", port=0, threads=8)
    closing = threading.Event()

    def run() -> None:
        try:
            srv.run()
        except OSError:   # the sockets closed under the loop's select: it ends so
            if not closing.is_set():
                raise

    t = threading.Thread(target=run, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    closing.set()
    srv.close()
    t.join(timeout=10)


def test_hostile_answers_do_not_stall_a_normal_student(server: str) -> None:
    stop = threading.Event()
    flood_statuses: list[int] = []

    def flood(k: int) -> None:
        b = Browser(server)
        b.login(f"flood{k}")
        i = 0
        while not stop.is_set():
            seed = 1000 + k * 10_000 + i   # a new problem each time: nothing cached
            b.get(f"/p/{SYMBOLIC}/{seed}")
            answer = HOSTILE[i % len(HOSTILE)]
            flood_statuses.append(b.post(f"/p/{SYMBOLIC}/{seed}", {"ans-a": answer}))
            i += 1

    flooders = [threading.Thread(target=flood, args=(k,), daemon=True) for k in range(FLOODERS)]
    for t in flooders:
        t.start()
    time.sleep(2.0)   # the flood is under way
    student = Browser(server)
    student.login("민지")
    latencies: list[float] = []
    for i in range(ROUNDS_NORMAL):
        t0 = time.perf_counter()
        student.get(f"/p/{NUMERIC}/{i}")
        status = student.post(f"/p/{NUMERIC}/{i}", {"ans-a": "0.5"})
        latencies.append((time.perf_counter() - t0) / 2)
        assert status in (200, 422), status
    stop.set()
    for t in flooders:
        t.join(60)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"normal student under a flood of {len(flood_statuses)} hostile answers from "
          f"{FLOODERS} clients: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms per request")
    assert flood_statuses and all(s in (200, 413, 422) for s in flood_statuses), flood_statuses
    assert p95 < 2.0   # loose: the target is 200 ms on an idle machine; hung, it was 130 s
