"""No bare Decimal arithmetic outside core/numbers (issue 8.7).

``a - b`` on Decimals rounds at the default context's 28 digits; selfscore's numbers must go
through :mod:`selfscore.core.numbers` (``sub``, ``mul``, ``exact_sum``, ``div_round``), which is
exact.  This check reads the source: it finds ``+ - * /`` (and ``+=`` …) where an operand is
known to be a Decimal: a ``Decimal(...)`` call, a name annotated ``Decimal`` in the function,
or an attribute whose name is a ``Decimal`` field of one of selfscore's classes.  It is a
heuristic (it cannot see every type), tuned to have no false alarms on the code as it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "selfscore"
EXEMPT = {"core/numbers.py"}
#: Known hits in files other helpers own (issue 8.7), to be routed through core/numbers there; the
#: list may only shrink: a new hit, or an entry that no longer occurs, fails the test.
KNOWN: set[tuple[str, str]] = set()
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


def _is_decimal(annotation: ast.expr | None) -> bool:
    return annotation is not None and "Decimal" in ast.unparse(annotation) and "Fraction" not in ast.unparse(annotation)


def decimal_fields() -> set[str]:
    """Names of class attributes annotated as Decimal anywhere in selfscore (score, weight, max …)."""
    names: set[str] = set()
    for file in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and _is_decimal(stmt.annotation):
                        names.add(stmt.target.id)
    return names


def _decimal_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
    names = {a.arg for a in args if _is_decimal(a.annotation)}
    for node in ast.walk(func):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and _is_decimal(node.annotation):
            names.add(node.target.id)
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id in ("Decimal", "to_decimal", "exact_decimal")):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def bare_arithmetic(source: str, fields: set[str]) -> list[tuple[int, str]]:
    """(line, expression) of every arithmetic on a known Decimal in ``source``."""
    tree = ast.parse(source)
    hits: list[tuple[int, str]] = []

    def decimal(node: ast.expr, local: set[str]) -> bool:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal":
            return True
        if isinstance(node, ast.Name):
            return node.id in local
        return isinstance(node, ast.Attribute) and node.attr in fields

    def visit(node: ast.AST, local: set[str]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local = local | _decimal_names(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, _OPS) and (
                decimal(node.left, local) or decimal(node.right, local)):
            hits.append((node.lineno, ast.unparse(node)))
        if isinstance(node, ast.AugAssign) and isinstance(node.op, _OPS) and (
                decimal(node.target, local) or decimal(node.value, local)):
            hits.append((node.lineno, ast.unparse(node)))
        for child in ast.iter_child_nodes(node):
            visit(child, local)

    visit(tree, set())
    return hits


def test_the_check_catches_bare_decimal_arithmetic() -> None:
    fields = {"score", "weight"}
    source = ("from decimal import Decimal\n"
              "def f(a: Decimal, n: int, r):\n"
              "    x = a - Decimal('1')\n"
              "    y = r.weight - r.score\n"
              "    z = n + 1\n"
              "    d = Decimal(n)\n"
              "    print(d * 100)\n"
              "    return f'{x}' + 'text'\n")
    assert bare_arithmetic(source, fields) == [(3, "a - Decimal('1')"), (4, "r.weight - r.score"), (7, "d * 100")]


def test_no_bare_decimal_arithmetic_outside_core_numbers() -> None:
    fields = decimal_fields()
    assert {"score", "weight", "points", "max"} <= fields
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        relative = file.relative_to(PACKAGE).as_posix()
        if relative in EXEMPT:
            continue
        found += [(relative, line, text) for line, text in bare_arithmetic(file.read_text(encoding="utf-8"), fields)]
    new = [f"{f}:{line}: {text}" for f, line, text in found if (f, text) not in KNOWN]
    assert new == [], "bare Decimal arithmetic (use selfscore.core.numbers):\n" + "\n".join(new)
    assert {(f, text) for f, _, text in found} == KNOWN, "fixed: remove it from KNOWN"
