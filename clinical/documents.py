"""Stored documents: domain models kept as JSON (intake state and record, plan versions) that say which version of
their shape they were written in, and are brought up to date, one step at a time, when they are read back.

So renaming a field (as `RiskAssessment.plan` became `suicide_plan`) never strands an intake saved before; a
document written by a newer version of the app is refused with a message rather than misread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel

#: How `schema_version` is described on every stored document.
SCHEMA_VERSION_DESCRIPTION = "The version of this document's shape; older shapes are upgraded when read."


class DocumentTooNew(ValueError):
    """A stored document was written by a newer version of the app."""


class StoredDocument(BaseModel):
    """A model stored as JSON. Subclasses set `SCHEMA_VERSION` (and a `schema_version` field defaulting to it)
    and, for each older version n, `UPGRADES[n]`: a function from a version-n document (a dict) to version n+1."""

    SCHEMA_VERSION: ClassVar[int] = 1
    UPGRADES: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}

    @classmethod
    def upgraded(cls, data: dict[str, Any]) -> dict[str, Any]:
        """A stored document's data in the current shape. Documents written before versions existed are version 1."""
        version = data.get("schema_version", 1)
        if version > cls.SCHEMA_VERSION:
            raise DocumentTooNew(
                f"This {cls.__name__} was saved by a newer version of Anamnesis (shape {version}; this version reads "
                f"up to {cls.SCHEMA_VERSION}). Update the app to open it."
            )
        while version < cls.SCHEMA_VERSION:
            data = cls.UPGRADES[version](dict(data))
            version += 1
        return {**data, "schema_version": version}

    @classmethod
    def from_stored(cls, text: str | bytes) -> Self:
        """Read a stored document (JSON), upgrading an older shape first."""
        return cls.model_validate(cls.upgraded(json.loads(text)))


def renamed(data: dict[str, Any], path: str, new_name: str) -> dict[str, Any]:
    """`data` with the field at dotted `path` renamed to `new_name` (unchanged where the path is absent)."""
    *parents, old_name = path.split(".")
    node = data
    for key in parents:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict) and old_name in node:
        node[new_name] = node.pop(old_name)
    return data
