"""House rules for the suite itself: every test says in one line what it checks.

A docstring may go on to explain (PEP 257: summary line, blank line, detail), but its first paragraph is one line.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def named_tests(tree: ast.Module):
    """Every `test_*` function in a module, including methods of `Test*` classes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
            yield node


def undocumented(source: str) -> list[str]:
    """Names of tests in `source` whose docstring is missing or does not open with a one-line summary."""
    missing = []
    for node in named_tests(ast.parse(source)):
        doc = ast.get_docstring(node)
        if not doc or not doc.strip() or len(doc.strip().split("\n\n")[0].splitlines()) != 1:
            missing.append(node.name)
    return missing


def test_every_test_has_a_one_line_docstring():
    """Each test function in tests/ opens with a one-line docstring saying what it checks."""
    missing = [
        f"{path.relative_to(TESTS)}::{name}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for name in undocumented(path.read_text(encoding="utf-8"))
    ]
    assert not missing, "Tests without a one-line docstring:\n" + "\n".join(missing)


def test_the_docstring_check_notices_a_missing_or_wrapped_summary():
    """The check itself flags a bare test and a wrapped summary, and accepts a one-liner with or without detail."""
    source = '''
def test_bare():
    assert True

def test_wrapped():
    """A summary that runs on
    to a second line.
    """

def test_good():
    """Says what it checks."""

def test_detailed():
    """Says what it checks.

    And why, at length.
    """
'''
    assert undocumented(source) == ["test_bare", "test_wrapped"]


def test_no_test_module_imports_another():
    """Shared fixtures and builders live in conftest.py, builders.py or fakes.py, never in another test module."""
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if any(name.rsplit(".", 1)[-1].startswith("test_") for name in names):
                offenders.append(f"{path.relative_to(TESTS)}: {', '.join(names)}")
    assert not offenders, "Test modules importing test modules:\n" + "\n".join(offenders)
