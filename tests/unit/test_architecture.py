"""Where things may live and what they may import, checked on the source (AST), so that a
dependency pointing the wrong way fails here rather than in a reviewer's head.

Layers, outermost first (docs/architecture.md explains them):

    interfaces   cli, practice
    jobs         jobs (generate and grade: staging, pools, collector)
    pipeline     assemble, render, grading, reports, export
    core         bank, variants, families, kernels, textrender
    edge         io (every file reader and writer), manifest (manifest.json)
    records      model
    base         errors, resources, rng, formatting, mathexpr, safeyaml, processes, symcheck

A package may import only the packages its row of :data:`ALLOWED` lists (imports inside
functions count too); packages form no cycle; and a module outside a package imports that
package through its face (``from examgen.grading import grade_one``), never a module inside it
(``examgen.grading.batch``), and only names its face lists in ``__all__``.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "examgen"

BASE = {"errors", "version", "resources", "rng", "formatting", "mathexpr", "safeyaml",
        "processes", "symcheck",
        "korean", "latextext"}
RECORDS = BASE | {"model"}
EDGE = RECORDS | {"io", "manifest"}
CORE = EDGE | {"kernels", "families", "textrender", "sampling", "fairness", "variants", "bank"}
PIPELINE = CORE | {"assemble", "render", "grading", "reports", "export"}
JOBS = PIPELINE | {"jobs"}
INTERFACES = JOBS | {"cli", "practice"}

# package (or top-level module) -> the packages it may import; "version" is examgen/__init__.py
ALLOWED: dict[str, set[str]] = {
    # base: no examgen imports but errors
    "version": set(),
    "errors": set(),
    "resources": set(),
    "rng": set(),
    "formatting": set(),
    "mathexpr": set(),
    "korean": set(),
    "latextext": set(),
    "safeyaml": set(),                      # YAML without aliases, depth-bounded
    "processes": set(),                     # workers that end with their parent
    "symcheck": {"mathexpr", "processes"},  # symbolic checks under a deadline, in workers
    # records, and the edge that reads and writes them
    "model": {"errors"},
    "io": RECORDS,
    "manifest": RECORDS,
    # core: pure computations and the bank
    "kernels": set(),
    "families": {"model", "kernels", "errors", "mathexpr"},
    "textrender": {"formatting", "korean"},
    "sampling": RECORDS,
    "fairness": RECORDS,
    "variants": RECORDS | {"families", "textrender", "sampling", "fairness"},
    "bank": EDGE | {"families", "textrender", "sampling", "fairness", "variants"},
    # pipeline: each stage imports the core, none imports another stage except through the
    # render face (the report PDF; export's printable formats)
    "assemble": CORE,
    "render": RECORDS,
    "grading": CORE,
    "reports": EDGE | {"render"},
    "export": CORE | {"render", "grading"},
    # orchestration and interfaces
    "jobs": PIPELINE,
    "practice": PIPELINE,
    "cli": INTERFACES - {"cli"},
}


def unit_of(module: str) -> str:
    """The package (or top-level module) ``examgen.a.b`` belongs to: ``a``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "version"


def module_name(path: Path, root: Path = PKG) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports(path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, imported module, names) for every examgen import of a file, nested ones too;
    ``from examgen import x`` gives module ``examgen.x`` when x is a package or module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "examgen":
                    yield node.lineno, a.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "examgen":
                continue
            names = tuple(a.name for a in node.names)
            if node.module == "examgen":
                for n in names:
                    sub = PKG / n
                    if sub.is_dir() or sub.with_suffix(".py").exists():
                        yield node.lineno, f"examgen.{n}", ()
                    else:
                        yield node.lineno, "examgen", (n,)
            else:
                yield node.lineno, node.module, names


def sources(root: Path = PKG) -> list[Path]:
    return sorted(root.rglob("*.py"))


def layer_violations(root: Path = PKG) -> list[str]:
    out = []
    for f in sources(root):
        me = unit_of(module_name(f, root))
        allowed = ALLOWED.get(me)
        if allowed is None:
            out.append(f"{f.relative_to(root)}: package '{me}' has no row in the layer table")
            continue
        for line, mod, _ in imports(f):
            them = unit_of(mod)
            if them != me and them not in allowed:
                out.append(f"{f.relative_to(root)}:{line}: '{me}' may not import '{them}' ({mod})")
    return out


def package_graph(root: Path = PKG) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for f in sources(root):
        me = unit_of(module_name(f, root))
        for _, mod, _ in imports(f):
            them = unit_of(mod)
            if them != me:
                graph.setdefault(me, set()).add(them)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = stack[stack.index(v):]
            del stack[stack.index(v):]
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def face_names(unit: str, root: Path = PKG) -> set[str] | None:
    """The ``__all__`` of a package's face, read from its source (None: no ``__all__``)."""
    init = root / unit / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return {ast.literal_eval(e) for e in node.value.elts}  # type: ignore[attr-defined]
    return None


def face_violations(root: Path = PKG) -> list[str]:
    out = []
    for f in sources(root):
        me = unit_of(module_name(f, root))
        for line, mod, names in imports(f):
            them = unit_of(mod)
            if them == me or not (root / them).is_dir():
                continue
            where = f"{f.relative_to(root)}:{line}"
            if mod != f"examgen.{them}":
                out.append(f"{where}: imports {mod}; import the face examgen.{them}")
                continue
            public = face_names(them, root)
            for n in names:
                if public is None or n not in public:
                    out.append(f"{where}: examgen.{them} does not offer {n!r} in its __all__")
    return out


def test_every_package_keeps_to_the_layer_table() -> None:
    assert layer_violations() == []


def test_no_cycles_between_packages() -> None:
    assert cycles(package_graph()) == []


def test_packages_are_imported_through_their_faces_only() -> None:
    assert face_violations() == []


@pytest.mark.parametrize("unit", sorted(p.name for p in PKG.iterdir()
                                        if (p / "__init__.py").exists()))
def test_every_package_has_a_face_that_resolves(unit: str) -> None:
    """Each package says what it offers in ``__all__``; every listed name exists, and every
    public name the face imports is listed (the face is exactly what it shows)."""
    public = face_names(unit)
    assert public is not None, f"examgen/{unit}/__init__.py has no __all__"
    module = importlib.import_module(f"examgen.{unit}")
    assert [n for n in sorted(public) if not hasattr(module, n)] == []
    tree = ast.parse((PKG / unit / "__init__.py").read_text(encoding="utf-8"))
    imported = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith(f"examgen.{unit}.") for a in node.names}
    # submodules imported to register something (families) are not part of the surface
    registered = {n for n in imported if (PKG / unit / f"{n}.py").exists()}
    assert sorted(imported - public - registered) == []


def test_the_checks_see_a_cycle_and_a_wrong_way_import(tmp_path: Path) -> None:
    """The checks are not vacuous: a core module importing the pipeline, a cycle and a reach
    into a package's insides are all reported."""
    root = tmp_path / "examgen"
    (root / "grading").mkdir(parents=True)
    (root / "bank").mkdir()
    (root / "__init__.py").write_text("")
    (root / "grading" / "__init__.py").write_text('__all__ = ["grade"]\n')
    (root / "grading" / "batch.py").write_text("from examgen.bank.loader import Bank\n")
    (root / "bank" / "__init__.py").write_text('__all__ = ["Bank"]\n')
    (root / "bank" / "loader.py").write_text("from examgen.grading import batch\n")
    assert cycles(package_graph(root)) == [["bank", "grading"]]
    assert any("'bank' may not import 'grading'" in v for v in layer_violations(root))
    assert any("imports examgen.bank.loader; import the face" in v
               for v in face_violations(root))


def test_errors_imports_nothing_from_examgen() -> None:
    assert not list(imports(PKG / "errors.py"))


def test_only_render_pdf_imports_weasyprint() -> None:
    users = []
    for f in sources():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(n.split(".")[0] == "weasyprint" for n in names):
                users.append(str(f.relative_to(PKG)))
    assert sorted(set(users)) == ["render/pdf.py"]


def test_no_eval_exec_or_sympify_in_the_package() -> None:
    for f in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "sympify", "parse_expr"}, f
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"sympify", "parse_expr"}, f
