"""What a language model is asked to fill, derived from the domain models rather than restated.

A derived schema keeps a domain model's field names, types and descriptions (the descriptions may be reworded as
instructions to the model), narrowed to the fields the model may write (never ids it does not own, a status, the
safety plan, dates it cannot know). It drops the domain's value limits: an answer is parsed leniently and then
checked field by field against the domain model itself (`fits`), so one out-of-range value costs that value, not
the whole answer, and the limits live in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_origin

from pydantic import BaseModel, Field, ValidationError, create_model


def derived(
    model: type[BaseModel],
    name: str,
    doc: str,
    fields: Iterable[str],
    *,
    types: Mapping[str, Any] | None = None,
    notes: Mapping[str, str] | None = None,
    required: Iterable[str] = (),
) -> type[BaseModel]:
    """A schema named `name` with `fields` of `model`: the domain's types (or `types[field]`) and descriptions (or
    `notes[field]`), every field optional (lists empty) unless `required`, without the domain's value limits."""
    types, notes, required = dict(types or {}), dict(notes or {}), set(required)
    spec: dict[str, Any] = {}
    for field in fields:
        info = model.model_fields[field]
        annotation = types.get(field, info.annotation)
        description = notes.get(field, info.description)
        if field in required:
            spec[field] = (annotation, Field(description=description))
        elif get_origin(annotation) is list:
            spec[field] = (annotation, Field(default_factory=list, description=description))
        else:
            spec[field] = (annotation | None, Field(default=None, description=description))
    return create_model(name, __doc__=doc, **spec)


def fits(model: type[BaseModel], field: str, value: Any, **context: Any) -> bool:
    """Whether `value` is acceptable for `model.field` under the domain's own types and limits (`context` supplies
    the model's other required fields)."""
    try:
        model.model_validate({**context, field: value})
    except ValidationError as error:
        return not any(e["loc"][:1] == (field,) for e in error.errors())
    return True
