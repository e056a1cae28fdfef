"""The issue's bar: ``examgen bank stress --n 2000`` passes over the whole bundled bank: in 2,000
draws of every template no wrong method within the tolerance of the key, no two misconceptions
within the tolerance of each other, no two options within the tolerance."""

from __future__ import annotations

from tests.e2e.test_cli_bank import run


def test_full_bank_stress_2000() -> None:
    r = run("bank", "stress", "--n", "2000")
    assert r.returncode == 0, "\n".join(line for line in r.stdout.splitlines()
                                        if not line.startswith("ok "))
    assert "0 with problems" in r.stderr
