"""Views are thin: they read no model directly, resolve objects with ``@checked`` (not inline
``get_object_or_404`` and ``raise PermissionDenied``), and stay under 30 lines.

A model read in a view skips the named rules (``shamy/core/rules.py``): it is how a page ends up
showing a school the actor may not see. Reads belong in selectors, which start from
``Model.objects.restrict(access, action)``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_VIEW_LINES = 30

#: Modules not yet in this shape, with their number of problems (docs/architecture.md, "Not yet in
#: this shape"). The count must match exactly, so a fix lowers it here; the goal is an empty dict.
NOT_YET: dict[str, int] = {}


def _view_modules() -> list[Path]:
    modules = sorted(ROOT.glob("*/views.py")) + sorted(ROOT.glob("*/views/*.py"))
    return [path for path in modules if path.name != "__init__.py" or path.stat().st_size > 0]


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(ROOT.parent)
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            problems.append(f"{where}:{node.lineno} reads a model directly ({ast.unparse(node)})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_object_or_404":
            problems.append(f"{where}:{node.lineno} resolves an object inline (use @checked or a selector)")
        elif isinstance(node, ast.Raise) and node.exc is not None:
            name = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(name, ast.Name) and name.id == "PermissionDenied":
                problems.append(f"{where}:{node.lineno} raises PermissionDenied inline (use @checked)")
        elif isinstance(node, ast.FunctionDef) and node.args.args and node.args.args[0].arg == "request":
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_VIEW_LINES:
                problems.append(f"{where}:{node.lineno} view {node.name} has {length} lines")
    return problems


@pytest.mark.parametrize("path", _view_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_views_are_thin(path: Path) -> None:
    problems = _problems(path)
    known = NOT_YET.get(str(path.relative_to(ROOT)), 0)
    if known:
        assert len(problems) == known, "\n".join(problems)
    else:
        assert problems == []


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    app = tmp_path / "shamy" / "demoapp"
    app.mkdir(parents=True)
    module = app / "views.py"
    body = "\n".join(f"    x = {i}" for i in range(MAX_VIEW_LINES))
    module.write_text(
        "def page(request, pk):\n"
        "    school = School.objects.get(pk=pk)\n"
        "    other = get_object_or_404(School, pk=pk)\n"
        "    raise PermissionDenied\n"
        f"{body}\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path / "shamy"
    try:
        found = _problems(module)
    finally:
        ROOT = saved
    assert len(found) == 4
    assert any("reads a model directly" in problem for problem in found)
    assert any("resolves an object inline" in problem for problem in found)
    assert any("raises PermissionDenied inline" in problem for problem in found)
    assert any("view page has" in problem for problem in found)
