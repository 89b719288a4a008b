"""Loading and validating the curated library."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from textwrap import dedent

import pytest
import yaml

from knowledge.loader import LibraryError, load_library, load_taxonomy
from knowledge.models import Category, Kind

REQUIRED_AREAS = [
    "depression",
    "anxiety",
    "panic",
    "social-anxiety",
    "trauma",
    "grief",
    "relationship-conflict",
    "intimacy-attachment",
    "self-esteem",
    "anger",
    "substance-use",
    "suicidality",
    "self-harm",
    "emotion-regulation",
    "ocd",
    "sleep",
    "perfectionism",
    "life-transition",
    "identity",
    "family-conflict",
    "work-stress",
    "health-adjustment",
    "eating-body-image",
    "loneliness",
    "interpersonal-patterns",
]
REQUIRED_MODALITIES = [
    "psychodynamic",
    "cbt",
    "dbt",
    "act",
    "person-centered",
    "mindfulness",
    "ifs",
    "emdr",
    "ipt",
    "family-systems",
    "schema",
    "solution-focused",
    "motivational-interviewing",
    "experiential",
    "expressive-arts",
]

GOOD_GOAL = """
  - id: low-goal-one
    kind: goal
    text: Re-engage with activities that once felt meaningful.
"""


def one_entry(areas: list[str] | None = None, **fields) -> str:
    """A library file body holding a single entry with the given fields."""
    return yaml.safe_dump({"problem_areas": areas or [], "entries": [fields]}, sort_keys=False)


def write_library(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write YAML files into a fresh library folder and return it."""
    folder = tmp_path / "library"
    folder.mkdir()
    for name, body in files.items():
        (folder / name).write_bytes(body if isinstance(body, bytes) else dedent(body).encode())
    return folder


def load(tmp_path: Path, files: dict[str, str]):
    """Load a library made of the given files."""
    return load_library(write_library(tmp_path, files))


class TestRealLibrary:
    def test_size_and_kind_coverage(self, library):
        """The library has at least 600 entries and 50 of each kind."""
        counts = Counter(e.kind for e in library.entries)
        assert len(library.entries) >= 600
        for kind in (Kind.GOAL, Kind.OBJECTIVE, Kind.INTERVENTION):
            assert counts[kind] >= 50, kind

    def test_taxonomy_has_required_ids(self, library):
        """Every problem area and modality the product names exists in the vocabulary."""
        assert set(REQUIRED_AREAS) <= {t.id for t in library.taxonomy.problem_areas}
        assert set(REQUIRED_MODALITIES) <= {t.id for t in library.taxonomy.modalities}
        assert {c.value for c in Category} == {t.id for t in library.taxonomy.categories}

    @pytest.mark.parametrize("area", REQUIRED_AREAS)
    def test_every_area_has_goals_objectives_interventions(self, library, area):
        """Each problem area can supply a whole plan section on its own."""
        kinds = Counter(e.kind for e in library.for_area(area))
        assert kinds[Kind.GOAL] >= 3 and kinds[Kind.OBJECTIVE] >= 6 and kinds[Kind.INTERVENTION] >= 6, kinds

    def test_every_modality_and_category_used(self, library):
        """No modality or intervention category is an empty promise."""
        used_modalities = Counter(m for e in library.entries for m in e.modalities)
        for modality in REQUIRED_MODALITIES:
            assert used_modalities[modality] >= 5, modality
        used_categories = {e.category for e in library.of_kind(Kind.INTERVENTION)}
        assert used_categories == set(Category)

    def test_psychodynamic_is_deepest(self, library):
        """Psychodynamic content outnumbers every other modality, in every kind."""
        for kind in (Kind.GOAL, Kind.OBJECTIVE, Kind.INTERVENTION):
            counts = Counter(m for e in library.of_kind(kind) for m in e.modalities)
            top, _ = counts.most_common(1)[0]
            assert top == "psychodynamic", (kind, counts.most_common(3))

    def test_objectives_are_time_bound_and_measurable(self, library):
        """Every objective names a target date and carries a measurable criterion."""
        measurable = re.compile(
            r"\d|\{baseline\}|\{target\}|\b(one|two|three|four|five|six|seven|eight|ten|twelve|"
            r"at least|weekly|daily|each|every|per|percent|rating|score|times|complete|written|all)\b",
            re.I,
        )
        for objective in library.of_kind(Kind.OBJECTIVE):
            assert "{target_date}" in objective.text, objective.id
            assert measurable.search(objective.text), objective.id

    def test_links_point_at_goals(self, library):
        """Objectives serve goals, and every linked id is a goal."""
        for entry in library.entries:
            for goal_id in entry.goals:
                assert library.by_id[goal_id].kind == Kind.GOAL
        linked = sum(1 for e in library.of_kind(Kind.OBJECTIVE) if e.goals)
        assert linked / len(library.of_kind(Kind.OBJECTIVE)) >= 0.9

    def test_entries_are_plain_text(self, library):
        """No markup or links in library wording (it is shown and exported as plain text)."""
        for entry in library.entries:
            assert not re.search(r"<[a-z/]|\]\(|https?://|\*\*", entry.text), entry.id


class TestValidation:
    def test_valid_minimal_library_loads(self, tmp_path):
        """A well-formed file loads, with the file's default problem area and its source."""
        lib = load(tmp_path, {"depression.yaml": "problem_areas: [depression]\nentries:" + GOOD_GOAL})
        (entry,) = lib.entries
        assert entry.problem_areas == ("depression",)
        assert entry.source == "library:depression"

    def test_bad_yaml_names_file_and_line(self, tmp_path):
        """Broken YAML says which file and line."""
        with pytest.raises(LibraryError, match=r"broken\.yaml line \d+: invalid YAML"):
            load(tmp_path, {"broken.yaml": "entries:\n  - id: x\n    text: [unclosed\n"})

    def test_not_utf8(self, tmp_path):
        """A binary file is reported, not crashed on."""
        with pytest.raises(LibraryError, match=r"bin\.yaml: not UTF-8"):
            load(tmp_path, {"bin.yaml": b"\xff\xfe\x00garbage"})

    def test_wrong_top_level_shape(self, tmp_path):
        """A file without an entries list is rejected."""
        with pytest.raises(LibraryError, match=r"list\.yaml: expected a mapping with an 'entries' list"):
            load(tmp_path, {"list.yaml": "- just\n- a list\n"})

    def test_unknown_problem_area_names_entry_and_field(self, tmp_path):
        """An unknown area id names file, entry and field."""
        body = one_entry(id="a-goal", kind="goal", text="Feel steadier day to day.", problem_areas=["sadness"])
        with pytest.raises(LibraryError, match=r"x\.yaml entry 'a-goal': field 'problem_areas': unknown problem area"):
            load(tmp_path, {"x.yaml": body})

    def test_unknown_modality(self, tmp_path):
        """An unknown modality id is rejected with its field."""
        body = one_entry(["anger"], id="a-goal", kind="goal", text="Respond to anger safely.", modalities=["hypnosis"])
        with pytest.raises(LibraryError, match=r"field 'modalities': unknown modality 'hypnosis'"):
            load(tmp_path, {"x.yaml": body})

    def test_missing_field(self, tmp_path):
        """A missing required field is named."""
        body = "problem_areas: [anger]\nentries:\n  - id: a-goal\n    kind: goal\n"
        with pytest.raises(LibraryError, match=r"entry 'a-goal': field 'text': Field required"):
            load(tmp_path, {"x.yaml": body})

    def test_unknown_field(self, tmp_path):
        """A misspelt field is not silently dropped."""
        body = one_entry(["anger"], id="a-goal", kind="goal", text="Respond to anger safely.", modality=["cbt"])
        with pytest.raises(LibraryError, match=r"field 'modality': Extra inputs are not permitted"):
            load(tmp_path, {"x.yaml": body})

    def test_duplicate_ids_across_files(self, tmp_path):
        """The same id in two files names both files."""
        files = {
            "a.yaml": "problem_areas: [depression]\nentries:" + GOOD_GOAL,
            "b.yaml": "problem_areas: [anxiety]\nentries:" + GOOD_GOAL,
        }
        with pytest.raises(LibraryError, match=r"b\.yaml entry 'low-goal-one': field 'id': duplicate .* a\.yaml"):
            load(tmp_path, files)

    def test_intervention_needs_category(self, tmp_path):
        """Interventions must say which plan element they are."""
        body = one_entry(["anger"], id="an-int", kind="intervention", text="Teach a time-out routine for rising anger.")
        with pytest.raises(LibraryError, match=r"field 'category': required for interventions"):
            load(tmp_path, {"x.yaml": body})

    def test_unknown_placeholder(self, tmp_path):
        """Only the placeholders the drafting step fills are allowed."""
        body = (
            "problem_areas: [anger]\nentries:\n  - id: an-obj\n    kind: objective\n"
            "    text: Report two calm responses weekly by {deadline}.\n"
        )
        with pytest.raises(LibraryError, match=r"unknown placeholder\(s\) \{deadline\}"):
            load(tmp_path, {"x.yaml": body})

    def test_goal_link_must_be_a_goal(self, tmp_path):
        """An objective cannot claim to serve something that is not a goal."""
        body = (
            "problem_areas: [anger]\nentries:\n  - id: an-obj\n    kind: objective\n"
            "    text: Report two calm responses weekly by {target_date}.\n    goals: [missing-goal]\n"
        )
        with pytest.raises(LibraryError, match=r"field 'goals': 'missing-goal' is not a goal"):
            load(tmp_path, {"x.yaml": body})

    def test_bad_slug(self, tmp_path):
        """Ids are stable slugs (they are cited in plans)."""
        body = one_entry(["anger"], id="Not A Slug", kind="goal", text="Respond to anger safely.")
        with pytest.raises(LibraryError, match=r"field 'id': String should match pattern"):
            load(tmp_path, {"x.yaml": body})

    def test_empty_folder(self, tmp_path):
        """An empty library folder is an error, not an empty app."""
        (tmp_path / "empty").mkdir()
        with pytest.raises(LibraryError, match=r"no library files"):
            load_library(tmp_path / "empty")

    def test_bad_taxonomy(self, tmp_path):
        """A malformed vocabulary file is reported by name."""
        bad = tmp_path / "taxonomy.yaml"
        bad.write_text("problem_areas: []\n")
        with pytest.raises(LibraryError, match=r"taxonomy\.yaml: field 'modalities'"):
            load_taxonomy(bad)


def test_numeric_tags_are_text(tmp_path):
    """An unquoted number in tags (e.g. a crisis line) is read as text, not rejected."""
    body = one_entry(["suicidality"], id="a-goal", kind="goal", text="Stay safe through crises.", tags=[988])
    (entry,) = load(tmp_path, {"x.yaml": body}).entries
    assert entry.tags == ("988",)
