"""The hybrid index: fusion, filters, incremental refresh and search over the real library."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.index import LibraryIndex, RefreshReport, make_chroma_client, rrf_fuse
from knowledge.loader import Library
from knowledge.models import Entry, Kind
from tests.builders import small_library


def fresh_index(tmp_path, embeddings, library: Library) -> LibraryIndex:
    """An empty index in its own folder."""
    return LibraryIndex(make_chroma_client(tmp_path / "chroma"), embeddings, library.taxonomy, "test")


class TestFusion:
    def test_rrf_scores(self):
        """Items gain 1/(k+rank) from each ranking they appear in."""
        fused = rrf_fuse([[1, 2, 3], [3, 1]], k=60)
        assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
        assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
        assert fused[2] == pytest.approx(1 / 62)

    def test_agreement_beats_one_channel(self):
        """An item both channels like outranks one only a single channel ranks first."""
        fused = rrf_fuse([[7, 8], [8, 9]])
        assert max(fused, key=fused.get) == 8

    def test_empty(self):
        """No rankings, no scores."""
        assert rrf_fuse([[], []]) == {}


class TestRefresh:
    def test_cold_then_noop(self, tmp_path, embeddings, library):
        """A first refresh adds everything; a second changes nothing."""
        lib = small_library(library)
        index = fresh_index(tmp_path, embeddings, lib)
        first = index.refresh(lib)
        assert first.added == len(lib.entries) and not first.updated and not first.removed
        second = index.refresh(lib)
        assert second == RefreshReport(0, 0, 0, len(lib.entries), second.seconds)
        assert not second.changed

    def test_only_changed_entries_are_reembedded(self, tmp_path, embeddings, library, monkeypatch):
        """Editing one entry re-embeds exactly that entry."""
        lib = small_library(library)
        index = fresh_index(tmp_path, embeddings, lib)
        index.refresh(lib)
        edited = lib.entries[0].model_copy(update={"text": "Sleep through the night on most nights of the week."})
        changed_lib = replace(lib, entries=(edited, *lib.entries[1:]))
        embedded: list[str] = []
        original = embeddings.encode
        monkeypatch.setattr(embeddings, "encode", lambda texts: embedded.extend(texts) or original(texts))
        report = index.refresh(changed_lib)
        assert (report.added, report.updated, report.removed) == (0, 1, 0)
        assert len(embedded) == 1 and embedded[0].startswith("Sleep through the night")
        assert index.search("sleep through the night", k=1)[0].id == edited.id

    def test_removed_entries_leave_the_index(self, tmp_path, embeddings, library):
        """An entry deleted from the library is deleted from both channels."""
        lib = small_library(library)
        index = fresh_index(tmp_path, embeddings, lib)
        index.refresh(lib)
        gone = lib.entries[-1]
        report = index.refresh(replace(lib, entries=lib.entries[:-1]))
        assert report.removed == 1
        assert gone.id not in {h.id for h in index.search(gone.text, k=50)}
        assert gone.id not in {h.id for h in index.search(gone.text, k=50, mode="lexical")}

    def test_reference_passages_survive_refresh(self, tmp_path, embeddings, library):
        """Clinicians' reference passages are not library entries and are never pruned by a refresh."""
        lib = small_library(library)
        index = fresh_index(tmp_path, embeddings, lib)
        index.refresh(lib)
        passage = Entry(
            id="ref-handout-p1-0",
            kind=Kind.REFERENCE,
            text="Our clinic's handout on paced breathing for panic surges.",
            problem_areas=("panic",),
            source="handout.pdf p.1",
        )
        index.upsert([passage], ["h"])
        index.reload()
        assert index.refresh(lib).removed == 0
        assert index.search("paced breathing handout", k=3, kinds=[Kind.REFERENCE])[0].id == passage.id

    def test_persists_across_reopen(self, tmp_path, embeddings, library):
        """A reopened on-disk index has every entry without re-embedding anything."""
        lib = small_library(library)
        fresh_index(tmp_path, embeddings, lib).refresh(lib)
        reopened = fresh_index(tmp_path, embeddings, lib)
        assert len(reopened) == len(lib.entries)
        assert not reopened.refresh(lib).changed


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "area"),
        [
            ("heart pounding attacks, scared of dying, avoids the subway", "panic"),
            ("hopeless, stays in bed all weekend, lost interest in everything", "depression"),
            ("husband died in March and she cannot stop crying", "grief"),
            ("washes hands for hours because of contamination fears", "ocd"),
            ("drinking a bottle of wine every night to unwind", "substance-use"),
            ("tired of living, no point going on like this", "suicidality"),
        ],
    )
    def test_finds_the_right_area(self, library_index, query, area):
        """Clinician phrasings land on their problem area in the top results."""
        hits = library_index.search(query, k=5)
        assert sum(area in h.problem_areas for h in hits) >= 3, [h.id for h in hits]

    @pytest.mark.parametrize("mode", ["hybrid", "lexical", "dense", "area"])
    def test_filters_apply_to_every_channel(self, library_index, mode):
        """Kind, modality and area filters hold for each channel alone and fused."""
        hits = library_index.search(
            "explore patterns in relationships",
            k=20,
            kinds=["intervention"],
            modalities=["psychodynamic"],
            areas=["interpersonal-patterns", "intimacy-attachment"],
            mode=mode,
        )
        assert hits
        for hit in hits:
            assert hit.kind == Kind.INTERVENTION
            assert not hit.modalities or "psychodynamic" in hit.modalities
            assert {"interpersonal-patterns", "intimacy-attachment"} & set(hit.problem_areas)

    def test_filters_that_exclude_everything(self, library_index):
        """No entry can match an impossible filter: the answer is empty, not an error."""
        assert library_index.search("anything", kinds=["reference"], areas=["ocd"]) == []

    def test_hits_carry_provenance(self, library_index, library):
        """Every hit has its id, source and score, and the id is a real library entry."""
        for hit in library_index.search("safety plan for suicidal thoughts", k=10):
            assert hit.id in library.by_id
            assert hit.source.startswith("library:")
            assert hit.score > 0

    @pytest.mark.parametrize("query", ["", "   ", "\x00\x01", "<script>alert(1)</script>", "🙂" * 300, "x" * 20000])
    def test_odd_queries_do_not_break(self, library_index, query):
        """Empty, control-character, hostile, emoji and huge queries give a list, never an exception."""
        hits = library_index.search(query, k=5)
        assert isinstance(hits, list) and len(hits) <= 5

    def test_a_precomputed_query_vector_gives_the_same_hits(self, library_index):
        """Callers searching one text several times embed it once; the results do not change."""
        query = "  panic attacks\n on the train "
        vector = library_index.embed_query(query)
        for kind in (Kind.GOAL, Kind.INTERVENTION):
            plain = library_index.search(query, k=8, kinds=[kind])
            assert plain == library_index.search(query, k=8, kinds=[kind], query_vector=vector)

    def test_unknown_mode(self, library_index):
        """A wrong mode is a clear error."""
        with pytest.raises(ValueError, match="unknown search mode"):
            library_index.search("grief", mode="fuzzy")

    def test_browse(self, library_index, library):
        """Browsing an area lists every entry of that area and kind, and nothing else."""
        browsed = library_index.browse(areas=["sleep"], kinds=["goal"])
        assert {h.id for h in browsed} == {e.id for e in library.for_area("sleep") if e.kind == Kind.GOAL}

    def test_chroma_url_must_be_a_url(self, tmp_path):
        """A malformed server URL fails with the setting's name."""
        with pytest.raises(ValueError, match="ANAMNESIS_CHROMA_URL"):
            make_chroma_client(tmp_path, "localhost:8000")
