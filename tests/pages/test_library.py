"""The Library page, driven through the real app script with AppTest."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from config import get_settings
from knowledge.models import Kind
from tests.conftest import PROJECT_DIR
from tests.pages.driver import open_app

pytestmark = pytest.mark.slow


@pytest.fixture
def app(library_data_dir, monkeypatch) -> AppTest:
    """The app opened on the Library page against the session's prebuilt index."""
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(library_data_dir))
    get_settings.cache_clear()
    st.cache_resource.clear()
    return open_app("library")


def plain(markdown: str) -> str:
    """Markdown with its escapes removed, i.e. the text the clinician sees."""
    return re.sub(r"\\(.)", r"\1", markdown)


def cards(at: AppTest) -> list[str]:
    """The wording of every result card shown (the markdown after each kind badge)."""
    values = [m.value for m in at.markdown]
    return [values[i + 1] for i, v in enumerate(values) if "-badge[" in v and i + 1 < len(values)]


def test_library_shows_counts(app, library):
    """The Library page says how much it holds."""
    assert app.title[0].value == "Library"
    goals = sum(e.kind == "goal" for e in library.entries)
    assert f"{goals} goals" in app.caption[0].value


def test_search_shows_results_with_ids(app):
    """Typing a concern lists matching cards with their ids and sources."""
    app.text_input(key="library_query").input("keeps people at a distance, intellectualizes feelings").run()
    assert not app.exception
    assert len(cards(app)) == app.number_input(key="library_k").value
    captions = plain(" ".join(c.value for c in app.caption))
    assert "id: " in captions and "source: library:" in captions


def test_placeholders_read_as_blanks(app):
    """A library objective shows its placeholders as readable blanks, never as raw {braces}."""
    app.multiselect(key="library_kinds").set_value(["objective"]).run()
    app.text_input(key="library_query").input("reduce depression score by target date").run()
    shown = [plain(card) for card in cards(app)]
    assert shown and not [c for c in shown if "{" in c]
    assert any("[target date]" in c for c in shown)


def test_upload_limit_is_the_same_everywhere():
    """The upload widget's limit (Streamlit's server.maxUploadSize) is the one the page states and ingest checks."""
    import tomllib

    from knowledge.references.read import MAX_FILE_BYTES

    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES


def test_kind_filter(app):
    """The kind filter limits results to that kind."""
    app.multiselect(key="library_kinds").set_value(["intervention"]).run()
    app.text_input(key="library_query").input("trouble sleeping").run()
    badges = [m.value for m in app.markdown if "-badge[" in m.value]
    assert badges and all(b.startswith(":green-badge[Intervention]") for b in badges)


def test_no_results_state(app):
    """A filter combination nothing matches explains what to try."""
    app.multiselect(key="library_kinds").set_value(["reference"]).run()
    app.text_input(key="library_query").input("grief").run()
    assert "Nothing matched" in app.info[0].value


def test_browse_by_area(app, library):
    """With no query, the page browses a problem area in tabs by kind."""
    app.selectbox(key="library_browse_area").set_value("grief").run()
    labels = [t.label for t in app.tabs]
    goals = sum(e.kind == "goal" for e in library.for_area("grief"))
    assert labels[0] == f"Goals ({goals})"


def test_hostile_query_renders_literally(app):
    """Markup typed into search is never rendered as HTML or a link."""
    app.text_input(key="library_query").input("<img src=x onerror=alert(1)> [click](http://evil)").run()
    assert not app.exception
    assert all("<img" not in m.value for m in app.markdown)


@pytest.fixture
def small_app(tmp_path, monkeypatch) -> AppTest:
    """The Library page over a fresh one-file library, so tests may add and remove documents freely."""
    import shutil

    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(PROJECT_DIR / "knowledge" / "library" / "grief.yaml", folder)
    monkeypatch.setenv("ANAMNESIS_LIBRARY_DIR", str(folder))
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    st.cache_resource.clear()
    return open_app("library")


def test_reference_documents_listed_searched_and_removed(small_app):
    """Documents added to the shared index are listed with limits stated, found by search, and removable."""
    from knowledge.references.store import ingest, list_documents
    from ui.resources import _loader

    at = small_app
    assert any("No reference documents yet" in i.value for i in at.info)
    assert any("20 MB each" in c.value for c in at.caption)
    index = _loader().index
    report = ingest(index, [("supervision-notes.md", b"Notice the pull to rescue when the client goes quiet.\n")])
    assert report.ok
    at.run()
    assert any("supervision\\-notes\\.md" in m.value for m in at.markdown)
    assert any("1 passage · added" in c.value for c in at.caption)  # not "1 passages"
    at.text_input(key="library_query").set_value("pull to rescue when the client goes quiet").run()
    assert any("source: supervision-notes.md" in plain(c.value) for c in at.caption)
    document = list_documents()[0]
    at.button(key=f"library_delete_{document.id}").click().run()
    assert not at.exception, at.exception
    assert list_documents() == [] and not index.stored_ids(Kind.REFERENCE)
    assert any("Removed supervision-notes.md" in s.value.replace("\\", "") for s in at.success)
