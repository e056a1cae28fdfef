"""Load benchmark of `examgen practice`: the server started as a user starts it (the console
script in a subprocess, a fresh database), then simulated students on loopback.

    .venv/bin/python bench/practice.py [--students 50] [--seconds 30] [--think 5] [--warmup 5]

Each student signs in, picks random topics, and loops: "new problem" (GET /next and the problem
page it redirects to, timed together: what the student waits for), think, "submit" (POST an
answer read off the form: the first option, a number, a vector or a sentence, and the result
page it redirects to; an unreadable answer comes back at once with 422), think. Think times
are uniform in [0, 2 x --think] seconds. Samples of the first --warmup seconds are left out (the
server's caches fill then). Baselines in the same run: one student alone (the latency without
contention), and GET /health under the full load (the server's own overhead, no app work).
Prints throughput and p50/p95/p99 latency; target p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from examgen.rng import derive_seed, make_rng  # noqa: E402

TARGET_P95_MS = 50.0
TOPICS = ("attention", "bert", "bptt-gradients", "gru", "lstm", "rnn-architectures",
          "rnn-basics", "seq2seq", "transformer")
SENTENCE = "포지셔널 인코딩 벡터를 임베딩에 원소별로 더해 위치 정보를 준다"
_FIELD = re.compile(r'<(input|textarea)([^>]*?)name="(ans-\w+)"([^>]*)>')


@dataclass
class Samples:
    new: list[float] = field(default_factory=list)      # seconds
    submit: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0


class Student:
    """One browser: a keep-alive connection and the session cookie."""

    def __init__(self, port: int, name: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.name, self.cookie, self.requests = name, "", 0

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None
                ) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        self.requests += 1
        cookie = r.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return r.status, r.getheader("Location") or "", text

    def sign_in(self, rng: np.random.Generator) -> None:
        self.request("POST", "/login", [("nickname", self.name)])
        topics = [str(t) for t in rng.choice(TOPICS, size=int(rng.integers(1, 4)), replace=False)]
        self.request("POST", "/choose", [("topic", t) for t in topics]
                     + [("difficulty", "mixed"), ("mode", "normal")])

    def new_problem(self) -> tuple[str, str]:
        status, location, _ = self.request("GET", "/next")
        if status != 302:
            raise RuntimeError(f"/next: HTTP {status}")
        status, _, page = self.request("GET", location)
        if status != 200:
            raise RuntimeError(f"{location}: HTTP {status}")
        return location, page

    def submit(self, location: str, page: str) -> None:
        form: list[tuple[str, str]] = []
        seen: set[str] = set()
        for tag, before, name, after in _FIELD.findall(page):
            if name in seen:
                continue
            seen.add(name)
            attrs = before + after
            value = re.search(r'value="([^"]*)"', attrs)
            if 'type="radio"' in attrs or 'type="checkbox"' in attrs:
                form.append((name, value.group(1) if value else "A"))
            elif tag == "textarea":
                form.append((name, SENTENCE))
            elif "vector" in attrs or "matrix" in attrs:
                form.append((name, "[0.5, -0.25]"))
            else:
                form.append((name, "0.5"))
        status, result, _ = self.request("POST", location, form)
        if status == 422:   # an answer the grader cannot read comes back to be fixed
            return
        if status != 303:
            raise RuntimeError(f"POST {location}: HTTP {status}")
        status, _, _ = self.request("GET", result)   # Post/Redirect/Get: the result page
        if status != 200:
            raise RuntimeError(f"{result}: HTTP {status}")


def run_students(port: int, n: int, seconds: float, think: float, warmup: float,
                 probe: bool, seed: int) -> tuple[Samples, float]:
    """``n`` students for ``warmup + seconds``; samples of operations started after the
    warm-up and before the end. Returns the samples and the measured time."""
    out = Samples()
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from, stop = start + warmup, start + warmup + seconds

    def keep(kind: str, t0: float, t1: float) -> None:
        if measure_from <= t0 < stop:
            with lock:
                getattr(out, kind).append(t1 - t0)

    def student(k: int) -> None:
        rng = make_rng(derive_seed("bench-practice", seed, k))
        s = Student(port, f"student-{seed}-{k:03d}")
        try:
            s.sign_in(rng)
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                location, page = s.new_problem()
                keep("new", t0, time.perf_counter())
                time.sleep(float(rng.uniform(0, 2 * think)))
                t0 = time.perf_counter()
                s.submit(location, page)
                keep("submit", t0, time.perf_counter())
                time.sleep(float(rng.uniform(0, 2 * think)))
        except (OSError, RuntimeError, http.client.HTTPException) as e:
            with lock:
                out.errors.append(f"{s.name}: {e}")
        finally:
            s.conn.close()
            with lock:
                out.requests += s.requests

    def health() -> None:
        s = Student(port, "probe")
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            s.request("GET", "/health")
            keep("health", t0, time.perf_counter())
            time.sleep(0.05)
        s.conn.close()

    threads = [threading.Thread(target=student, args=(k,)) for k in range(n)]
    if probe:
        threads.append(threading.Thread(target=health))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    exe = Path(sys.executable).with_name("examgen")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "examgen.cli"]
    proc = subprocess.Popen([*cmd, "practice", "--port", str(port), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                c.close()
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("examgen practice did not start: "
                     + (proc.stderr.read().decode() if proc.stderr else ""))


def pct(xs: list[float]) -> str:
    if not xs:
        return "no samples"
    p50, p95, p99 = np.percentile(np.asarray(xs) * 1000, [50, 95, 99])
    return f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  ({len(xs)} samples)"


def report(title: str, s: Samples, wall: float) -> None:
    ops = len(s.new) + len(s.submit)
    print(f"{title}: {ops / wall:.1f} operations/s ({len(s.new)} new problems, {len(s.submit)} "
          f"submits in {wall:.1f} s; {s.requests} HTTP requests in all, warm-up included)")
    print(f"  new problem  {pct(s.new)}")
    print(f"  submit       {pct(s.submit)}")
    if s.health:
        print(f"  GET /health  {pct(s.health)}")
    for e in s.errors[:5]:
        print(f"  error: {e}")
    if s.errors:
        print(f"  {len(s.errors)} student(s) stopped on an error")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--think", type=float, default=5.0,
                    help="mean think time between a student's requests, seconds (0: none); "
                         "5 s is already a fast student (reading a problem, computing a step)")
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--baseline-seconds", type=float, default=20.0)
    ap.add_argument("--baseline-think", type=float, default=1.0,
                    help="the lone student's mean think time (short, for enough samples)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(Path(tmp) / "bench.sqlite3")
        try:
            base, base_wall = run_students(port, 1, args.baseline_seconds, args.baseline_think,
                                           args.warmup, False, args.seed)
            load, wall = run_students(port, args.students, args.seconds, args.think,
                                      args.warmup, True, args.seed + 1)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"examgen practice on 127.0.0.1, waitress, fresh database; {args.warmup:g} s warm-up "
          "left out of each phase")
    report(f"baseline: 1 student, think {args.baseline_think:g} s mean, "
           f"{args.baseline_seconds:g} s", base, base_wall)
    report(f"load: {args.students} students, think {args.think:g} s mean, {args.seconds:g} s",
           load, wall)
    p95 = max((float(np.percentile(np.asarray(x) * 1000, 95)) for x in (load.new, load.submit)
               if x), default=float("nan"))
    verdict = "meets" if p95 < TARGET_P95_MS else "misses"
    print(f"target: p95 < {TARGET_P95_MS:g} ms for new problem and submit under load: worst p95 "
          f"{p95:.1f} ms, {verdict} the target")
    return 1 if load.errors or base.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
