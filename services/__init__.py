"""Services: what the pages and the CLI call. Each orders the domain, drafting, knowledge and storage work for one
concern (intakes, plans, the library) and checks that the clinician owns what they ask for."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(names: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module `__getattr__` serving each of `names` (name → module it lives in) on first use.

    For names from modules that load the search machinery (Chroma, ONNX Runtime) or LangChain, which a page that
    needs neither should not pay for."""

    def getattr_(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        namespace[name] = value
        return value

    return getattr_
