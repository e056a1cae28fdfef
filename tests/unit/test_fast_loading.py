"""Loading the bank fast: libyaml parses (PyYAML's Python composes, with the bounds, and
constructs), and a bank text without Jinja2 markup is not compiled as a template. Both must
give exactly what the slow paths give, errors included."""

from __future__ import annotations

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from examgen.bank import load_bank
from examgen.bank.loader import DEFAULT_BANK as BANK_DIR
from examgen.io import yamlloc
from examgen.safeyaml import BoundedLoader, fast_twin, load_bounded, safe_load, yaml_problem
from examgen.textrender import _env, compile_text

needs_libyaml = pytest.mark.skipif(fast_twin(BoundedLoader) is None,
                                   reason="PyYAML built without libyaml")


def lines(value: object) -> list[object]:
    """Every line the located loader remembers, in order."""
    if isinstance(value, dict):
        own: list[object] = [value.line, sorted(value.key_lines.items(), key=str)]  # type: ignore[attr-defined]
        return own + [x for v in value.values() for x in lines(v)]
    if isinstance(value, list):
        own = [value.line, value.item_lines]                                       # type: ignore[attr-defined]
        return own + [x for v in value for x in lines(v)]
    return []


@needs_libyaml
def test_the_bank_loads_the_same_with_libyaml_lines_and_all() -> None:
    files = sorted(BANK_DIR.glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yamlloc.load_located(text)
        slow = yaml.load(text, Loader=yamlloc._Loader)  # noqa: S506 - the slow path itself
        assert fast == slow and lines(fast) == lines(slow), path.name


@needs_libyaml
@pytest.mark.parametrize("text", [
    "a:\n\t- b",                      # a tab: the Python loader's message names it
    "x: &a [1]\ny: *a",               # an alias: refused by the bounds
    "[" * 100 + "]" * 100,            # too deep: refused by the bounds
    "key: [1, 2",                     # libyaml says line 2, PyYAML line 1
    "a: b\n c: d",
])
def test_a_bad_text_gets_the_python_loaders_error(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as slow:
        yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - the slow path itself
    with pytest.raises(yaml.YAMLError) as fast:
        safe_load(text)
    assert yaml_problem(fast.value) == yaml_problem(slow.value)
    with pytest.raises(yaml.YAMLError) as located:
        yamlloc.load_located(text)
    assert yaml_problem(located.value) == yaml_problem(slow.value)


def test_no_loader_reads_a_text_over_the_size_limit() -> None:
    with pytest.raises(yaml.YAMLError, match="larger than"):
        load_bounded("a: 1\n" * 3_000_000, BoundedLoader, fast_twin(BoundedLoader))


@pytest.mark.parametrize("text", ["가나다", "a\n", "a\n\n", "  lead", "x {y} z", "50% }} {",
                                  "line1\nline2\n", "\\frac{a}{b} {", "a\r\n", "a\rb", "} #}"])
def test_a_text_without_markup_renders_as_jinja_would(text: str) -> None:
    assert not hasattr(compile_text(text), "module")          # not compiled
    assert compile_text(text).render() == _env.from_string(text).render()


def test_texts_with_markup_are_still_templates() -> None:
    assert compile_text("{{ n }}개").render(n=3) == "3개"
    assert compile_text("{# note #}x").render() == "x"
    assert isinstance(_env, SandboxedEnvironment)


def test_every_variant_of_the_bank_is_the_same_without_the_shortcut(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from examgen import textrender
    from examgen.manifest import variant_to_dict
    from examgen.variants import make_variant

    templates = load_bank().templates
    fast = [variant_to_dict(make_variant(t, 11 + s)) for t in templates for s in range(2)]
    monkeypatch.setattr(textrender, "compile_text", lambda src: _env.from_string(src))
    slow = [variant_to_dict(make_variant(t, 11 + s)) for t in templates for s in range(2)]
    assert fast == slow
