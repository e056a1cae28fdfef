"""Answer keys: tolerances read from KEY.csv, and which parts get the rounding allowance (only
manifest parts whose worked solution shows rounded intermediate values)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from examgen.errors import KeyFileError
from examgen.grading import parts_from_variant
from examgen.grading.score import score
from examgen.jobs import load_key
from examgen.model import AnswerKey, Outcome, Tolerance

KEY_CSV = """question_id,type,answer,points,tolerance
N1,numeric,0.73,2,0.01
N2,numeric,120,2,1%
N3,numeric,0.001234,2,3sf
N4,numeric,5632,2,0
N5,numeric,3.14159,2,2dp
N6,numeric,3,1,±0.1
N7,numeric,3,1,+-0.1
V1,vector,"[0.2, 0.3, 0.5]",3,0.01
"""


@pytest.fixture()
def csv_key(tmp_path: Path) -> AnswerKey:
    path = tmp_path / "KEY.csv"
    path.write_text(KEY_CSV, encoding="utf-8")
    return load_key(None, path)


def test_key_csv_parts_get_no_rounding_allowance(csv_key: AnswerKey) -> None:
    assert csv_key.shared is not None
    assert all(p.allowance == 0.0 for p in csv_key.shared)


def test_key_csv_reads_plus_minus_tolerances(csv_key: AnswerKey) -> None:
    assert csv_key.shared is not None
    tol = {p.column: p.tolerance for p in csv_key.shared}
    assert tol["N6"] == tol["N7"] == Tolerance("abs", 0.1)


@pytest.mark.parametrize("column, text, outcome", [
    # the reviewer's KEY.csv cases: nothing beyond the stated tolerance
    ("N1", "0.73", Outcome.CORRECT), ("N1", "0.74", Outcome.CORRECT),
    ("N1", "0.75", Outcome.WRONG),
    ("N2", "121", Outcome.CORRECT), ("N2", "118", Outcome.WRONG), ("N2", "122", Outcome.WRONG),
    ("N2", "121.5", Outcome.WRONG),
    ("N3", "0.00123", Outcome.CORRECT), ("N3", "0.00124", Outcome.WRONG),
    ("N4", "5632", Outcome.CORRECT), ("N4", "5631", Outcome.WRONG),
    ("N4", "5633", Outcome.WRONG), ("N4", "5632.4", Outcome.WRONG),
    ("N5", "3.145", Outcome.CORRECT), ("N5", "3.15", Outcome.WRONG),
    ("N6", "3.1", Outcome.CORRECT), ("N6", "3.2", Outcome.WRONG),
    ("V1", "[0.21, 0.31, 0.49]", Outcome.CORRECT), ("V1", "[0.2, 0.3, 0.52]", Outcome.PARTIAL),
])
def test_key_csv_scores_within_the_tolerance_only(csv_key: AnswerKey, column: str, text: str,
                                                  outcome: Outcome) -> None:
    assert csv_key.shared is not None
    part = next(p for p in csv_key.shared if p.column == column)
    s = score(part, text)
    assert s.outcome is outcome, s.feedback


# -- manifests -----------------------------------------------------------------------------------

def _numeric(value: float, display: str, decimals: int, tol: float) -> dict[str, Any]:
    return {"label": "", "kind": "numeric", "points": 1.0, "display": display, "value": value,
            "tolerance": {"kind": "abs", "value": tol}, "decimals": decimals}


LSTM_SOLUTION = {
    "ko": "(a) $f_t = \\sigma(0.5) = 0.622$\n(b) $i_t = \\sigma(-0.5) = 0.378$\n"
          "(e) $o_t = \\sigma(0) = 0.500$, $\\tanh(c_t) = -0.588$\n$h_t = (0.500)(-0.588) = -0.294$",
    "en": "(e) $h_t = (0.500)(-0.588) = -0.294$",
}
QUESTIONS = [
    # column, parts, solution
    ("Q6", [_numeric(5632.0, "5632", 0, 0)],                       # an integer count
     {"ko": "합계: $1280 + 4096 + 256 = 5632$개.", "en": "Total: $1280 + 4096 + 256 = 5632$."}),
    ("Q11", [_numeric(13.0, "13.00", 2, 0.01)],                    # no value shown at 2 decimals
     {"ko": "(a) $\\lVert g \\rVert = \\sqrt{169} = 13$. (b) $2 / 13 = 0.1538$",
      "en": "(a) $\\lVert g \\rVert = \\sqrt{169} = 13$. (b) $2 / 13 = 0.1538$"}),
    ("Q8", [_numeric(-0.29419151219042455, "-0.294", 3, 0.01)], LSTM_SOLUTION),
    ("Q9", [_numeric(0.6224593312018546, "0.622", 3, 0.01)],       # only the answer itself
     {"ko": "$f_t = \\sigma(0.5) = 0.622$", "en": "$f_t = \\sigma(0.5) = 0.622$"}),
    ("Q10", [_numeric(0.4, "0.400", 3, 0.01)], None),                # no worked solution
    ("Q7", [{"label": "", "kind": "vector", "points": 2.0,
             "display": "\\begin{bmatrix} 0.956 & 1.000 \\end{bmatrix}",
             "value": [0.9562315877606273, 1.0], "tolerance": {"kind": "abs", "value": 0.02},
             "decimals": 3}],
     {"en": "softmax $\\alpha = \\begin{bmatrix} 0.155 & 0.422 & 0.422 \\end{bmatrix}$, output "
            "$\\begin{bmatrix} 0.956 & 1.000 \\end{bmatrix}$"}),
]


@pytest.fixture()
def manifest_key(tmp_path: Path) -> AnswerKey:
    questions = [{"label": col, "number": k, "columns": [col], "template_id": col.lower(),
                  "variant_seed": 0, "points": 1.0,
                  "variant": {"prompt": {"ko": "문제", "en": "question"}, "parts": parts,
                              "solution": solution}}
                 for k, (col, parts, solution) in enumerate(QUESTIONS, 1)]
    data = {"spec": {"title": {"ko": "시험", "en": "exam"}}, "grading": {},
            "columns": [q[0] for q in QUESTIONS],
            "students": [{"student_id": "s1", "name": "", "copy": "s1"}],
            "copies": [{"copy_id": "s1", "questions": questions}]}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_key(path, None)


@pytest.mark.parametrize("column, allowance", [
    ("Q6", 0.0),      # integer answer: exact
    ("Q11", 0.0),     # real-valued, but nothing in the solution is rounded to 2 decimals
    ("Q8", 0.001),    # intermediate values shown at the answer's 3 decimals: 2 x 0.0005
    ("Q9", 0.0),      # the only 3-decimal number is the answer itself
    ("Q10", 0.0),     # no worked solution
    ("Q7", 0.001),    # a vector: the softmax weights are shown at 3 decimals
])
def test_manifest_allowance_only_where_the_solution_rounds(manifest_key: AnswerKey, column: str,
                                                           allowance: float) -> None:
    part = next(p for p in manifest_key.parts_for("s1") if p.column == column)
    assert part.allowance == pytest.approx(allowance, abs=1e-15)


@pytest.mark.parametrize("column, text, outcome, rounding", [
    ("Q6", "5632", Outcome.CORRECT, False),
    ("Q6", "5633", Outcome.WRONG, False),          # was accepted as "rounding to 0 decimals"
    ("Q11", "13.01", Outcome.CORRECT, False),
    ("Q11", "13.02", Outcome.WRONG, False),        # was accepted as "rounding to 2 decimals"
    ("Q8", "-0.305", Outcome.CORRECT, True),       # 0.0108 off: within 0.01 + 0.001
    ("Q8", "-0.306", Outcome.WRONG, False),        # 0.0118 off
    ("Q9", "0.633", Outcome.WRONG, False),         # 0.0105 off, no allowance
])
def test_manifest_scores_with_the_allowance(manifest_key: AnswerKey, column: str, text: str,
                                            outcome: Outcome, rounding: bool) -> None:
    part = next(p for p in manifest_key.parts_for("s1") if p.column == column)
    s = score(part, text)
    assert s.outcome is outcome, s.feedback
    assert ("consistent with rounding" in s.feedback) == rounding


def test_a_manifest_missing_a_students_copy_is_a_clear_error(tmp_path: Path) -> None:
    data = {"spec": {"title": {"ko": "시험", "en": "exam"}}, "grading": {}, "columns": [],
            "students": [{"student_id": "s1", "name": "", "copy": "s1"},
                         {"student_id": "s2", "name": "", "copy": "s2"}],
            "copies": [{"copy_id": "s1", "questions": []}]}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(KeyFileError, match=r"manifest\.json: the copies of 1 student\(s\) are "
                                        r"missing \(first: s2, copy 's2'\)"):
        load_key(path, None)


def test_a_live_variant_keys_as_its_manifest_entry_does(tmp_path: Path) -> None:
    """PartKey.from_variant_part (the practice app's path, no JSON round trip) gives the key
    that the variant's manifest entry gives, for every template of the bank; kinds are
    QuestionType members."""
    from examgen.bank import load_bank
    from examgen.manifest import parse_manifest, variant_to_dict
    from examgen.model import QuestionType
    from examgen.variants import make_variant

    bank = load_bank()
    variants = [make_variant(t, seed) for t in bank.templates for seed in (3, 40)]
    questions = [{"template_id": v.template_id, "columns": [f"Q{k}{p.label}" for p in v.parts],
                  "variant": variant_to_dict(v)} for k, v in enumerate(variants)]
    data = json.loads(json.dumps({
        "spec": {"title": {"ko": "시험"}}, "columns": [], "students": [],
        "copies": [{"copy_id": "c", "questions": questions}]}))
    manifest = parse_manifest(data, "manifest.json")
    for v, q in zip(variants, manifest.copies[0].questions, strict=True):
        live = parts_from_variant(v, q.columns)
        assert live == parts_from_variant(q.variant, q.columns), v.template_id
        assert all(isinstance(k.kind, QuestionType) for k in live)


def test_a_manifest_names_its_schema_version_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    from examgen.assemble import assemble
    from examgen.bank import load_bank
    from examgen.io import load_spec
    from examgen.manifest import SCHEMA_VERSION, build_manifest
    from examgen.model import Student

    data = build_manifest(assemble(load_spec(), load_bank(), [Student("s1", "", 2)]), {}, "x")
    assert data["schema_version"] == SCHEMA_VERSION == 1
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data | {"schema_version": 2}), encoding="utf-8")
    with pytest.raises(KeyFileError, match=r"manifest schema_version 2 is newer than this "
                                           r"examgen reads \(1\); update examgen"):
        load_key(path, None)
