"""Dependencies point one way: interfaces -> pipeline -> core. Checked on the source (AST)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "examgen"
CORE = ["model", "rng", "errors", "mathexpr", "formatting", "kernels", "families", "variants",
        "textrender", "bank"]
OUTER = ("examgen.cli", "examgen.generate", "examgen.render", "examgen.assemble",
         "examgen.spec", "examgen.practice")


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def files(part: str) -> list[Path]:
    p = PKG / part
    return sorted(p.rglob("*.py")) if p.is_dir() else [p.with_suffix(".py")]


def test_core_does_not_import_the_pipeline_or_interfaces() -> None:
    for part in CORE:
        for f in files(part):
            bad = {m for m in imports(f) if m.startswith(OUTER)}
            assert not bad, f"{f.relative_to(PKG)} imports {bad}"


def test_errors_imports_nothing_from_examgen() -> None:
    assert not {m for m in imports(PKG / "errors.py") if m.startswith("examgen")}


def test_only_render_pdf_imports_weasyprint() -> None:
    users = sorted(str(f.relative_to(PKG)) for f in PKG.rglob("*.py")
                   if any(m.split(".")[0] == "weasyprint" for m in imports(f)))
    assert users == ["render/pdf.py"]


def test_no_eval_exec_or_sympify_in_the_package() -> None:
    for f in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "sympify", "parse_expr"}, f
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"sympify", "parse_expr"}, f
