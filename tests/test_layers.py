"""The code's layers: dependencies point one way (pages → services → chains/clinical/knowledge/storage → config), and
only the UI imports streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

#: Which of the project's packages each part may import (its own modules always). Read down the table: a layer
#: uses only what is below it, so a change below never needs one above.
ALLOWED = {
    "config": set(),
    "storage": {"config"},
    "knowledge": {"config", "storage"},
    "clinical": {"config", "knowledge"},
    "chains": {"config", "knowledge", "clinical"},
    "exports": {"config", "knowledge", "clinical", "storage"},
    "services": {"config", "knowledge", "clinical", "chains", "exports", "storage"},
    "ui": {"config", "services"},
    "pages": {"services", "ui"},
    "cli": {"config", "services"},
    "app": {"ui"},
    "benchmarks": {"config", "knowledge", "clinical", "chains", "exports", "storage", "services"},
}
PROJECT_PACKAGES = set(ALLOWED) - {"cli", "app"} | {"tests"}
#: Only these may import streamlit.
STREAMLIT_USERS = {"app", "pages", "ui"}


def part_of(path: Path) -> str:
    """The layer a source file belongs to: its top-level package, or the script's name."""
    relative = path.relative_to(PROJECT_DIR)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def sources() -> list[Path]:
    return sorted(
        path
        for path in PROJECT_DIR.rglob("*.py")
        if not {".venv", "tests", "data"} & set(path.relative_to(PROJECT_DIR).parts)
    )


def imported(path: Path) -> set[str]:
    """The top-level packages a file imports, wherever in the file (lazy imports inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def violations(part: str, names: set[str]) -> list[str]:
    """What a file of this part imports that it may not."""
    wrong = sorted((names & PROJECT_PACKAGES) - ALLOWED[part] - {part})
    if part not in STREAMLIT_USERS and "streamlit" in names:
        wrong.append("streamlit")
    return wrong


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_imports_point_down(path):
    """A module imports only the layers below its own, and only the UI imports streamlit."""
    part = part_of(path)
    assert part in ALLOWED, f"{part}: a new top-level part must be placed in the layer table"
    assert not violations(part, imported(path)), f"{part} may not import {violations(part, imported(path))}"


def test_the_check_sees_a_wrong_import(tmp_path):
    """The layer check can fail: it sees each kind of wrong import.

    The check itself: a page reaching into storage from inside a function, a service importing streamlit and a
    clinical module importing a service are all caught; a page importing a service is not."""
    page = tmp_path / "page.py"
    page.write_text("from services.plans import PlanService\n\ndef f():\n    from storage.records import RecordStore\n")
    assert violations("pages", imported(page)) == ["storage"]
    assert violations("services", {"streamlit", "clinical"}) == ["streamlit"]
    assert violations("clinical", {"services", "knowledge"}) == ["services"]
