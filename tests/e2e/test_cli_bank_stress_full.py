"""The issue's bar: ``examgen bank stress --n 1000`` passes over the whole bundled bank."""

from __future__ import annotations

from tests.e2e.test_cli_bank import run


def test_full_bank_stress_1000() -> None:
    r = run("bank", "stress", "--n", "1000")
    assert r.returncode == 0, "\n".join(line for line in r.stdout.splitlines()
                                        if not line.startswith("ok "))
    assert "0 with problems" in r.stderr
