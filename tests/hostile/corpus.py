"""The hostile-input corpus (issue 18 item 8): broken or malicious files for every surface of the
CLI, built on the fly (the large ones are generated here rather than stored).

Each :class:`Case` writes its inputs into a folder and returns the ``examgen`` arguments to run;
``expect`` says what a correct run does: ``"error"`` (exit 1, one ``Error:`` line naming the
file, and ``fragment`` in it) or ``"ok"`` (exit 0, a bounded and correct result). Nothing may
raise a traceback, run longer than ``MAX_SECONDS``, or write outside the folder.
``python -m tests.hostile.measure`` runs them in subprocesses and prints the table.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_SECONDS = 60.0
KEY_HEAD = "question_id,type,answer,points,tolerance\n"
GOOD_KEY = KEY_HEAD + "q1,numeric,0.5,2,0.01\nq2,symbolic,h*d_v,1,\nq3,choice,B,1,\n"
GOOD_RESP = "student_id,q1,q2,q3\ns1,0.5,d_v*h,B\ns2,0.49,h+d_v,A\n"


@dataclass(frozen=True)
class Case:
    surface: str
    name: str
    build: Callable[[Path], list[str]]
    expect: str = "error"          # "error" or "ok"
    fragment: str = ""             # expected in the error message (or in the outputs when ok)


def _w(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def grade_key(key: str | bytes, resp: str | bytes = GOOD_RESP, *extra: str,
              key_name: str = "KEY.csv") -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        return ["grade", "--key", str(_w(d / key_name, key)), "--responses",
                str(_w(d / "responses.csv", resp)), "--out", str(d / "out"), "--no-pdf", *extra]
    return build


def nested_yaml(depth: int, leaf: str = "1") -> str:
    return "q: " + "[" * depth + leaf + "]" * depth + "\n"


ALIAS_BOMB = ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
              + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                        for i in range(8))
              + "questions: *i\n")


def responses_cases() -> list[Case]:
    s = "responses"
    big = "x" * 140_000
    return [
        Case(s, "utf16-odd-bytes", grade_key(GOOD_KEY, codecs.BOM_UTF16_LE
                                             + GOOD_RESP.encode("utf-16-le") + b"\x00"),
             fragment="responses.csv"),
        Case(s, "cell-over-131072", grade_key(GOOD_KEY, f"student_id,q1,q2,q3\ns1,{big},x,A\n"),
             fragment="responses.csv"),
        Case(s, "bom-then-cp949", grade_key(GOOD_KEY, b"\xef\xbb\xbf" + "student_id,q1,q2,q3\n"
                                            "s1,0.5,h*d_v,B\n김민준,0.5,h,A\n".encode("cp949")),
             fragment="responses.csv"),
        Case(s, "binary-garbage", grade_key(GOOD_KEY, bytes(range(256)) * 40),
             fragment="responses.csv"),
        Case(s, "empty-file", grade_key(GOOD_KEY, b""), fragment="responses.csv"),
        Case(s, "answer-over-limit", grade_key(GOOD_KEY, "student_id,q1,q2,q3\ns1,"
                                               + "1" * 5000 + ",h,B\n"),
             expect="ok", fragment="format_error"),
        Case(s, "hostile-answers", grade_key(
            GOOD_KEY, "student_id,q1,q2,q3\n" + "".join(
                f"s{i},{a},{a},B\n" for i, a in enumerate(
                    ["1e999999", "1e99999999+1", "2x1e999999", "exp(exp(exp(exp(10))))",
                     "(h+1)^64*(d_v+1)^64*(h+2)^64", "9^9^9", "((((((((((1))))))))))" * 5,
                     "√" * 400 + "2", "=cmd|' /C calc'!A0", "__import__('os')"]))),
            expect="ok", fragment="format_error"),
    ]


def key_cases() -> list[Case]:
    s = "KEY.csv / KEY.yaml"
    return [
        Case(s, f"points-{p}", grade_key(KEY_HEAD + f"q1,numeric,0.5,{p},0.01\n"), fragment="points")
        for p in ("nan", "inf", "1e309", "-1", "0")
    ] + [
        Case(s, f"tolerance-{t}", grade_key(KEY_HEAD + f"q1,numeric,0.5,1,{t}\n"),
             fragment="tolerance")
        for t in ("inf", "1e999", "0sf", "nan")
    ] + [
        Case(s, "symbolic-key-1e999999", grade_key(KEY_HEAD + "q1,symbolic,1e999999,1,\n"),
             fragment="KEY.csv"),
        Case(s, "short-empty-reference", grade_key(KEY_HEAD + "q1,short,,1,\n"), fragment="KEY.csv"),
        Case(s, "ragged-row", grade_key(KEY_HEAD + "q1,numeric,0.5,1,0.01,extra,more\n"),
             fragment="cells"),
        Case(s, "utf16-odd-bytes", grade_key(codecs.BOM_UTF16_LE + GOOD_KEY.encode("utf-16-le")
                                             + b"\x00"), fragment="KEY.csv"),
        Case(s, "yaml-nested-1000", grade_key(nested_yaml(1000), key_name="KEY.yaml"),
             fragment="KEY.yaml"),
        Case(s, "yaml-alias-bomb", grade_key(ALIAS_BOMB, key_name="KEY.yaml"), fragment="alias"),
    ]


def overrides_cases() -> list[Case]:
    s = "overrides.csv"

    def with_overrides(text: str | bytes) -> Callable[[Path], list[str]]:
        def build(d: Path) -> list[str]:
            return grade_key(GOOD_KEY)(d) + ["--overrides", str(_w(d / "overrides.csv", text))]
        return build

    head = "student_id,question_id,points,comment\n"
    return [
        Case(s, "points-nan", with_overrides(head + "s1,q1,nan,x\n"), fragment="overrides.csv"),
        Case(s, "points-huge", with_overrides(head + "s1,q1,1e309,x\n"), fragment="overrides.csv"),
        Case(s, "utf16-odd", with_overrides(codecs.BOM_UTF16_LE + head.encode("utf-16-le")
                                            + b"\x00"), fragment="overrides.csv"),
        Case(s, "cell-over-limit", with_overrides(head + "s1,q1,1," + "c" * 140_000 + "\n"),
             fragment="overrides.csv"),
    ]


def spec_cases() -> list[Case]:
    s = "exam spec YAML"

    def gen(spec: str, roster: str = "student_id,name\n1,a\n") -> Callable[[Path], list[str]]:
        def build(d: Path) -> list[str]:
            return ["generate", str(_w(d / "spec.yaml", spec)), "--roster",
                    str(_w(d / "roster.csv", roster)), "--out", str(d / "out"), "--workers", "1"]
        return build

    base = ("name: t\ntitle: {ko: t, en: t}\nduration: 10\nseed: 1\n"
            "sections:\n  - title: {ko: s, en: s}\n    questions:\n")
    return [
        Case(s, "nested-1000", gen(nested_yaml(1000)), fragment="spec.yaml"),
        Case(s, "alias-bomb", gen(ALIAS_BOMB), fragment="alias"),
        Case(s, "points-nan", gen(base + "      - {topic: gru, type: single_choice, count: 1, "
                                  "points: .nan}\n"), fragment="points"),
        Case(s, "points-inf", gen(base + "      - {topic: gru, type: single_choice, count: 1, "
                                  "points: .inf}\n"), fragment="points"),
        Case(s, "count-huge", gen(base + "      - {topic: gru, type: single_choice, "
                                  "count: 100000000000}\n"), fragment="count"),
        Case(s, "not-a-mapping", gen("- 1\n- 2\n"), fragment="spec.yaml"),
        Case(s, "binary", gen("\x00\x01\x02"), fragment="spec.yaml"),
        Case(s, "name-dotdot", lambda d: gen(base.replace("name: t", "name: '..'")
                                             + "      - {topic: gru, type: single_choice, count: 1}\n"
                                             )(d)[:-4] + ["--workers", "1"], expect="ok"),
    ]


def roster_cases() -> list[Case]:
    s = "roster CSV"

    def gen(roster: str | bytes) -> Callable[[Path], list[str]]:
        def build(d: Path) -> list[str]:
            return ["generate", "--roster", str(_w(d / "roster.csv", roster)),
                    "--out", str(d / "out"), "--workers", "1"]
        return build

    return [
        Case(s, "utf16-odd", gen(codecs.BOM_UTF16_LE + "student_id,name\n1,a\n".encode("utf-16-le")
                                 + b"\x00"), fragment="roster.csv"),
        Case(s, "cell-over-limit", gen("student_id,name\n1," + "n" * 140_000 + "\n"),
             fragment="roster.csv"),
        Case(s, "nfc-nfd-duplicate", gen("student_id,name\n김민준,a\n김민준,b\n"
                                         .replace("김민준,b", "\u1100\u1175\u11b7\u1106\u1175"
                                                  "\u11ab\u110c\u116e\u11ab,b")),
             fragment="roster.csv"),
        Case(s, "fullwidth-duplicate", gen("student_id,name\n2026,a\n２０２６,b\n"),
             fragment="roster.csv"),
        Case(s, "empty", gen(""), fragment="roster.csv"),
    ]


def bank_cases() -> list[Case]:
    s = "question bank"

    def gen(bank_yaml: str) -> Callable[[Path], list[str]]:
        def build(d: Path) -> list[str]:
            (d / "bank").mkdir()
            _w(d / "bank" / "x.yaml", bank_yaml)
            return ["bank", "check", "--bank", str(d / "bank")]
        return build

    pe = Path(__file__).resolve().parents[2] / "question_bank" / "transformer.yaml"
    text = pe.read_text(encoding="utf-8")
    start = text.index("  - id: transformer-pe-single-value")
    template = text[start:text.index("\n  - id:", start + 10)]
    one = "topic: transformer\ntitle: {ko: t, en: t}\nquestions:\n" + template + "\n"
    return [
        Case(s, "param-range-huge", gen(one.replace("pos: {int: [1, 9]}",
                                                    "pos: {int: [1, 100000000000]}")),
             fragment="more than 100,000 values"),
        Case(s, "param-range-inf", gen(one.replace("pos: {int: [1, 9]}", "pos: {int: [1, .inf]}")),
             fragment="finite"),
        Case(s, "jinja-range-huge", gen(one.replace(
            "to three decimal places.", "{% for i in range(1000000000) %}{% endfor %}x.")),
            fragment="range"),
        Case(s, "nested-1000", gen(nested_yaml(1000)), fragment="x.yaml"),
        Case(s, "alias-bomb", gen(ALIAS_BOMB), fragment="alias"),
        Case(s, "binary", gen("\x00\xff"), fragment="x.yaml"),
    ]


def output_cases() -> list[Case]:
    s = "output folder"

    def under_a_file(d: Path) -> list[str]:   # as root, permissions cannot make a folder read-only
        _w(d / "out", "a file where the output folder should be")
        return grade_key(GOOD_KEY)(d)[:-3] + ["--out", str(d / "out" / "grading"), "--no-pdf"]

    def out_is_a_file(d: Path) -> list[str]:
        _w(d / "out", "a file")
        return grade_key(GOOD_KEY)(d)

    return [Case(s, "out-under-a-file", under_a_file, fragment="out"),
            Case(s, "out-is-a-file", out_is_a_file, fragment="out")]


def cli_cases() -> list[Case]:
    s = "CLI arguments"
    return [
        Case(s, "missing-responses", lambda d: ["grade", "--key", str(_w(d / "KEY.csv", GOOD_KEY)),
                                                "--responses", str(d / "nope.csv")],
             fragment="nope.csv"),
        Case(s, "responses-is-a-folder", lambda d: ["grade", "--key", str(_w(d / "KEY.csv", GOOD_KEY)),
                                                    "--responses", str(d)]),
    ]


def all_cases() -> list[Case]:
    return (responses_cases() + key_cases() + overrides_cases() + spec_cases() + roster_cases()
            + bank_cases() + output_cases() + cli_cases())
