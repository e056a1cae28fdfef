"""Writes examples/responses.csv: a class's answers to the bundled exam, with mistakes and messy
rows, for the README's main job. Reproducible (seeded); run after `examgen generate`:

    .venv/bin/python examples/make_sample_responses.py output/midterm/manifest.json
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def fmt(v: float, d: int) -> str:
    return f"{v:.{d}f}"


def answer(part: dict, template_id: str, rng: np.random.Generator) -> str:
    kind, r = part["kind"], rng.random()
    d = part["decimals"] if part.get("decimals") is not None else 3
    if r < 0.05:
        return ""
    if kind == "numeric":
        v = part["value"]
        if r < 0.15 and part.get("misconceptions"):
            return fmt(part["misconceptions"][0]["value"], d)
        if r < 0.20:
            return f"약 {fmt(v, d)}"
        if r < 0.23:
            return fmt(v, d).replace(".", ",")
        if r < 0.25:
            return "０．" + fmt(v, d).split(".")[-1] if 0 <= v < 1 else fmt(v, d)
        if r < 0.28:
            return fmt(v, 1) if d > 1 else fmt(v + 1, d)
        if r < 0.30:
            return fmt(v, d).replace(".", "..")
        return fmt(v, d) if d else str(int(round(v)))
    if kind == "vector":
        vals = part["value"]
        if r < 0.15 and part.get("misconceptions"):
            vals = part["misconceptions"][0]["value"]
        elif r < 0.22:
            vals = [vals[0] + 0.5, *vals[1:]]
        sep = " " if r > 0.9 else ", "
        body = sep.join(fmt(x, d) for x in vals)
        return f"[{body}]" if r < 0.85 else body
    if kind in ("single_choice", "multiple_choice"):
        keys = [o["key"] for o in part["options"]]
        right = [o["key"] for o in part["options"] if o["correct"]]
        if r < 0.25:
            wrong = [k for k in keys if k not in right]
            return str(rng.choice(wrong))
        if r < 0.30:
            return right[0].lower()
        return ";".join(right)
    if kind == "symbolic":
        return "h*d_v" if r < 0.9 else "h+d_v"
    # short answers: student-style answers to the seed-quiz items (the hand-graded test set),
    # else the model answer or its first sentence
    pool = SHORT_POOL.get(template_id, [])
    if pool and r < 0.85:
        return str(pool[int(rng.integers(len(pool)))])
    refs = part.get("references", [])
    ref = refs[0]["ko"] if refs else ""
    return ref.split(".")[0] if r < 0.9 else ref


def short_pool(path: Path) -> dict[str, list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pool: dict[str, list[str]] = {}
    for row in rows:
        if row["kind"] != "empty":
            pool.setdefault(row["question_id"], []).append(row["answer"])
    return pool


SHORT_POOL = short_pool(HERE.parent / "tests" / "data" / "short_answers_ko.csv")


def main() -> int:
    manifest = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    rng = np.random.default_rng(20261209)
    copies = {c["copy_id"]: c for c in manifest["copies"]}
    header = ["timestamp", "student_id", "name", *manifest["columns"]]
    rows = []
    for k, s in enumerate(manifest["students"]):
        parts = [(p, q["template_id"]) for q in copies[s["copy"]]["questions"]
                 for p in q["variant"]["parts"]]
        rows.append([f"2026-12-08 10:{k:02d}", s["student_id"], s["name"],
                     *(answer(p, t, rng) for p, t in parts)])
    # two students hand in the same odd free-text answers (the report lists them)
    short_ids = sorted({q["template_id"] for q in copies[manifest["students"][0]["copy"]]["questions"]
                        if q["variant"]["parts"][0]["kind"] == "short_answer"})
    odd = ["게이트가 많을수록 기억을 더 오래 한다고 배웠습니다",
           "모델이 커지면 자동으로 해결되는 문제라고 생각합니다",
           "행렬을 여러 번 더해서 크기가 변하지 않게 만든다"]
    shared = dict(zip(short_ids, odd, strict=False))   # template id -> the same odd answer
    for row, s in ((rows[20], manifest["students"][20]), (rows[21], manifest["students"][21])):
        for q in copies[s["copy"]]["questions"]:
            if q["template_id"] in shared:
                row[3 + manifest["columns"].index(q["columns"][0])] = shared[q["template_id"]]
    # deliberately messy rows
    rows[3][5] = "=HYPERLINK(\"http://x\",\"click\")"        # formula injection attempt
    rows.append([*rows[7][:3], *rows[7][3:]])                  # the same student twice
    rows[-1][0] = "2026-12-08 11:30"
    rows.append(["2026-12-08 11:31", "", "이름없음", *["A"] * len(manifest["columns"])])
    rows.append(["2026-12-08 11:32", "20269999", "청강생", *["A"] * len(manifest["columns"])])
    rows.append(["2026-12-08 11:33", "20260012", "오수아"])  # ragged: the export cut it short
    out = HERE / "responses.csv"
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    print(f"wrote {out} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
