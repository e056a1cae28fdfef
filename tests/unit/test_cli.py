"""Argument errors of the command line: each names the option and what it expected."""

from __future__ import annotations

import pytest

from examgen.cli import main


@pytest.mark.parametrize(("argv", "message"), [
    (["practice", "--port", "abc"], "argument --port: port must be a whole number, got 'abc'"),
    (["practice", "--port", "70000"], "argument --port: port must be between 1 and 65535, got 70000"),
    (["practice", "--port", "0"], "argument --port: port must be between 1 and 65535, got 0"),
    (["generate", "--workers", "two"], "argument --workers: must be a whole number, got 'two'"),
    (["generate", "--seed", "x"], "argument --seed: seed must be a whole number, got 'x'"),
])
def test_a_bad_number_names_its_option(argv: list[str], message: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    if "--seed" not in argv:
        assert "seed must" not in err
