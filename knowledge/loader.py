"""Load and validate the curated library (YAML files under `knowledge/library/`).

A bad file raises `LibraryError` naming the file, the entry and the field, so a
content author can fix it without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.models import Entry, Kind, Taxonomy

KNOWLEDGE_DIR = Path(__file__).resolve().parent
LIBRARY_DIR = KNOWLEDGE_DIR / "library"
TAXONOMY_FILE = KNOWLEDGE_DIR / "taxonomy.yaml"


# The C loader is ~10x faster; it is safe (no arbitrary tags) like SafeLoader.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LibraryError(ValueError):
    """A library or taxonomy file is malformed; the message says where and why."""


@dataclass(frozen=True)
class Library:
    """The validated library: vocabulary plus entries in file order."""

    taxonomy: Taxonomy
    entries: tuple[Entry, ...]

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        """Entries keyed by id."""
        return {e.id: e for e in self.entries}

    def of_kind(self, kind: Kind) -> list[Entry]:
        """Entries of one kind, in library order."""
        return [e for e in self.entries if e.kind == kind]

    def for_area(self, area_id: str) -> list[Entry]:
        """Entries that serve a problem area, in library order."""
        return [e for e in self.entries if area_id in e.problem_areas]


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except UnicodeDecodeError as exc:
        raise LibraryError(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise LibraryError(f"{path.name}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc


def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    """Read and validate the controlled vocabulary."""
    raw = _read_yaml(path)
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as exc:
        raise LibraryError(f"{path.name}: {_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"field '{'.'.join(str(p) for p in err['loc']) or '(root)'}': {err['msg']}" for err in exc.errors()
    )


def _entries_from_file(path: Path, taxonomy: Taxonomy) -> list[Entry]:
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise LibraryError(f"{path.name}: expected a mapping with an 'entries' list")
    default_areas = raw.get("problem_areas") or []
    if not isinstance(default_areas, list):
        raise LibraryError(f"{path.name}: 'problem_areas' must be a list of problem-area ids")
    areas = {t.id for t in taxonomy.problem_areas}
    modalities = {t.id for t in taxonomy.modalities}
    populations = {t.id for t in taxonomy.populations}
    conditions = {t.id for t in taxonomy.conditions}
    for area in default_areas:
        if area not in areas:
            raise LibraryError(f"{path.name}: field 'problem_areas': unknown problem area '{area}'")

    entries = []
    for index, item in enumerate(raw["entries"]):
        label = f"{path.name} entry #{index + 1}"
        if not isinstance(item, dict):
            raise LibraryError(f"{label}: expected a mapping, got {type(item).__name__}")
        label = f"{path.name} entry '{item.get('id', f'#{index + 1}')}'"
        data = {"problem_areas": default_areas, **item, "source": f"library:{path.stem}"}
        try:
            entry = Entry.model_validate(data)
        except ValidationError as exc:
            raise LibraryError(f"{label}: {_describe(exc)}") from exc
        for area in entry.problem_areas:
            if area not in areas:
                raise LibraryError(f"{label}: field 'problem_areas': unknown problem area '{area}'")
        for modality in entry.modalities:
            if modality not in modalities:
                raise LibraryError(f"{label}: field 'modalities': unknown modality '{modality}'")
        for field, known in (("populations", populations), ("contraindications", conditions), ("presumes", conditions)):
            for value in getattr(entry, field):
                if value not in known:
                    raise LibraryError(f"{label}: field '{field}': unknown id '{value}' (see taxonomy.yaml)")
        if entry.kind == Kind.INTERVENTION and entry.category is None:
            raise LibraryError(f"{label}: field 'category': required for interventions")
        if entry.kind != Kind.INTERVENTION and entry.category is not None:
            raise LibraryError(f"{label}: field 'category': only interventions have a category")
        if entry.kind == Kind.REFERENCE:
            raise LibraryError(f"{label}: field 'kind': 'reference' is reserved for ingested documents")
        if entry.kind == Kind.GOAL and entry.goals:
            raise LibraryError(f"{label}: field 'goals': a goal cannot serve other goals")
        entries.append(entry)
    return entries


def _check_links(entries: Iterable[Entry]) -> None:
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in by_id:
            raise LibraryError(
                f"{entry.source.removeprefix('library:')}.yaml entry '{entry.id}': field 'id': "
                f"duplicate of an entry in {by_id[entry.id].source.removeprefix('library:')}.yaml"
            )
        by_id[entry.id] = entry
    for entry in by_id.values():
        for goal_id in entry.goals:
            target = by_id.get(goal_id)
            if target is None or target.kind != Kind.GOAL:
                raise LibraryError(
                    f"{entry.source.removeprefix('library:')}.yaml entry '{entry.id}': field 'goals': "
                    f"'{goal_id}' is not a goal in the library"
                )


def load_library(
    library_dir: Path = LIBRARY_DIR, taxonomy_file: Path = TAXONOMY_FILE, files: Iterable[Path] | None = None
) -> Library:
    """Read every `*.yaml` file in `library_dir` (or just `files`), validate them, and return the library."""
    taxonomy = load_taxonomy(taxonomy_file)
    paths = sorted(files) if files is not None else sorted(library_dir.glob("*.yaml"))
    if not paths:
        raise LibraryError(f"no library files (*.yaml) in {library_dir}")
    entries: list[Entry] = []
    for path in paths:
        entries.extend(_entries_from_file(path, taxonomy))
    _check_links(entries)
    return Library(taxonomy=taxonomy, entries=tuple(entries))


@cache
def default_library() -> Library:
    """The curated library, read once per process (for callers given no library; the app passes its own)."""
    return load_library()


if __name__ == "__main__":  # a check for content authors: python -m knowledge.loader [FILE ...]
    import collections
    import sys

    try:
        library = load_library(files=[Path(a) for a in sys.argv[1:]] or None)
    except LibraryError as error:
        sys.exit(f"library error: {error}")
    print(f"{len(library.entries)} entries: {dict(collections.Counter(e.kind.value for e in library.entries))}")
    for source in sorted({e.source for e in library.entries}):
        mine = [e for e in library.entries if e.source == source]
        kinds = collections.Counter(e.kind.value for e in mine)
        cats = collections.Counter(e.category.value for e in mine if e.category)
        mods = collections.Counter(m for e in mine for m in e.modalities)
        print(f"  {source}: {len(mine)} {dict(kinds)}")
        print(f"    categories: {dict(cats)}")
        print(f"    modalities: {dict(mods)}")
