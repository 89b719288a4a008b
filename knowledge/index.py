"""The searchable index: library entries and reference passages in Chroma, searched two ways.

Dense vectors live in Chroma (local `PersistentClient`, or a server through `HttpClient`);
a BM25 index over the same texts is rebuilt in memory from what Chroma holds. A query runs
through three channels with the same filters — BM25, dense, and dense plus a problem-area
prior — and the rankings are fused by reciprocal rank.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

import bm25s
import chromadb
import numpy as np
import Stemmer
from chromadb.config import Settings as ChromaSettings
from pydantic import BaseModel, Field

from knowledge.embeddings import MODEL_ID, OnnxEmbeddings
from knowledge.loader import Library
from knowledge.models import Entry, Kind, Taxonomy

#: Reciprocal-rank-fusion constant; 60 is the value from the original RRF paper and works well untuned.
RRF_K = 60
#: How deep each channel looks before fusion.
CANDIDATE_DEPTH = 50
#: Weight of the problem-area prior in the area-aware dense channel (tuned on two held-apart query sets).
AREA_WEIGHT = 1.0
#: Bump when the stored document layout changes, so every entry is re-indexed once.
INDEX_LAYOUT = "2"

Progress = Callable[[float, str], None]
SEARCH_MODES = ("hybrid", "lexical", "dense", "area")


def no_progress(fraction: float, message: str) -> None:
    """Default progress sink: ignore."""


class Hit(BaseModel):
    """One search result, with everything a page or the CLI shows about it."""

    id: str
    kind: Kind
    text: str
    problem_areas: list[str]
    modalities: list[str]
    category: str | None = None
    score: float = Field(description="Fused reciprocal-rank score; higher is better.")
    source: str
    goals: list[str] = Field(default_factory=list)
    measure: str | None = None
    frequency: str | None = None
    tags: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh changed."""

    added: int
    updated: int
    removed: int
    unchanged: int
    seconds: float

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.added or self.updated or self.removed)


def make_chroma_client(chroma_dir, chroma_url: str | None = None) -> chromadb.ClientAPI:
    """A Chroma client with telemetry off: on-disk under `chroma_dir`, or a server at `chroma_url`."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"ANAMNESIS_CHROMA_URL must look like http://host:port, got {chroma_url!r}")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_dir), settings=settings)


def _area_key(area: str) -> str:
    return f"area__{area}"


def _modality_key(modality: str) -> str:
    return f"mod__{modality}"


_ANY_MODALITY = "mod__any"


def entry_metadata(entry: Entry, content_hash: str) -> dict:
    """Flat Chroma metadata for an entry: filterable flags plus the entry itself as JSON."""
    meta: dict = {
        "kind": entry.kind.value,
        "category": entry.category.value if entry.category else "",
        "source": entry.source,
        "hash": content_hash,
        "entry": entry.model_dump_json(),
    }
    for area in entry.problem_areas:
        meta[_area_key(area)] = True
    for modality in entry.modalities:
        meta[_modality_key(modality)] = True
    if not entry.modalities:
        meta[_ANY_MODALITY] = True
    return meta


def content_hash(entry: Entry, taxonomy: Taxonomy) -> str:
    """Hash of everything that affects how an entry is indexed; unchanged hash means no re-embedding."""
    payload = "\x1f".join([INDEX_LAYOUT, MODEL_ID, entry.index_text(taxonomy), entry.model_dump_json()])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_STEMMER = Stemmer.Stemmer("english")
# PyStemmer memoises stems by default; the stemmer is process-wide and stems every client's queries, so keep none.
_STEMMER.maxCacheSize = 0


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens for BM25."""
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)


def rrf_fuse(rankings: Iterable[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion: each ranking adds 1/(k + rank) to the items in it (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


@dataclass
class _Snapshot:
    """In-memory view of the collection: BM25, filtering and the area prior without a round trip."""

    ids: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    bm25: bm25s.BM25 | None = None
    position: dict[str, int] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    #: entries x areas membership, and one unit centroid per area (zero row for an empty area)
    area_membership: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    area_centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))


class LibraryIndex:
    """Hybrid (BM25 + dense) search over the library and ingested reference passages."""

    def __init__(self, client: chromadb.ClientAPI, embeddings: OnnxEmbeddings, taxonomy: Taxonomy, collection: str):
        self.client = client
        self.taxonomy = taxonomy
        self.embeddings = embeddings
        # Vectors are always computed here (never by Chroma, whose default model would download), so the
        # collection has no embedding function.
        self.collection: chromadb.Collection = client.get_or_create_collection(
            name=collection,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedding_model": MODEL_ID},
        )
        self._snapshot = _Snapshot()
        #: Held by whatever changes the stored documents (library refresh, adding or removing reference
        #: documents), so that two sessions' writes never interleave. Readers need no lock: each search
        #: uses one snapshot, swapped in whole by `reload`.
        self.writing = threading.RLock()
        self.reload()

    # -- reading ---------------------------------------------------------------

    def reload(self) -> None:
        """Re-read every stored document from Chroma and rebuild the in-memory channels."""
        stored = self.collection.get(include=["documents", "metadatas", "embeddings"])
        ids = list(stored["ids"])
        entries = [Entry.model_validate_json(meta["entry"]) for meta in stored["metadatas"]]
        snapshot = _Snapshot(ids=ids, entries=entries, position={i: n for n, i in enumerate(ids)})
        if ids:
            # BM25 also sees each entry's problem-area vocabulary, so plain-language concerns
            # ("drinking every night") meet entries that never use those exact words.
            area_terms = {t.id: " ".join(t.terms) for t in self.taxonomy.problem_areas}
            lexical_docs = [
                f"{doc} {' '.join(area_terms.get(a, '') for a in entry.problem_areas)}"
                for doc, entry in zip(stored["documents"], entries, strict=True)
            ]
            snapshot.bm25 = bm25s.BM25()
            snapshot.bm25.index(tokenize(lexical_docs), show_progress=False)
            snapshot.vectors = np.asarray(stored["embeddings"], dtype=np.float32)
            area_ids = [t.id for t in self.taxonomy.problem_areas]
            membership = np.array([[a in e.problem_areas for a in area_ids] for e in entries], dtype=bool)
            # Centroids describe the curated library alone: a clinician's documents must not move them,
            # since they steer intake's area detection and every library search.
            curated = np.fromiter((e.kind != Kind.REFERENCE for e in entries), dtype=bool, count=len(entries))
            sums = (membership & curated[:, None]).T.astype(np.float32) @ snapshot.vectors
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            snapshot.area_membership = membership
            snapshot.area_centroids = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        self._snapshot = snapshot

    def __len__(self) -> int:
        return len(self._snapshot.ids)

    def entries(self) -> list[Entry]:
        """Every indexed entry and passage."""
        return list(self._snapshot.entries)

    def get(self, entry_id: str) -> Entry | None:
        """One indexed entry or passage by id."""
        position = self._snapshot.position.get(entry_id)
        return self._snapshot.entries[position] if position is not None else None

    def stored_hashes(self) -> dict[str, str]:
        """Content hash of every stored document, by id."""
        stored = self.collection.get(include=["metadatas"])
        return {i: m.get("hash", "") for i, m in zip(stored["ids"], stored["metadatas"], strict=True)}

    def stored_ids(self, kind: Kind | None = None) -> set[str]:
        """Ids of every stored document (of one kind), read from Chroma rather than the snapshot."""
        where = {"kind": Kind(kind).value} if kind else None
        return set(self.collection.get(where=where, include=[])["ids"])

    # -- writing ---------------------------------------------------------------

    def upsert(self, entries: Sequence[Entry], hashes: Sequence[str], progress: Progress = no_progress) -> None:
        """Embed and store entries in batches, reporting progress as a fraction."""
        batch = 64
        for start in range(0, len(entries), batch):
            chunk = entries[start : start + batch]
            texts = [e.index_text(self.taxonomy) for e in chunk]
            self.collection.upsert(
                ids=[e.id for e in chunk],
                documents=texts,
                embeddings=self.embeddings.encode(texts),
                metadatas=[entry_metadata(e, h) for e, h in zip(chunk, hashes[start : start + batch], strict=True)],
            )
            done = min(start + batch, len(entries))
            progress(done / len(entries), f"Indexed {done} of {len(entries)} entries")

    def upsert_embedded(self, entries: Sequence[Entry], hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store entries with vectors the caller already computed (reference passages are embedded once,
        before their problem areas are known). Call `reload` afterwards, as after `upsert`."""
        if not len(entries):
            return
        self.collection.upsert(
            ids=[e.id for e in entries],
            documents=[e.index_text(self.taxonomy) for e in entries],
            embeddings=np.asarray(vectors, dtype=np.float32),
            metadatas=[entry_metadata(e, h) for e, h in zip(entries, hashes, strict=True)],
        )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove documents by id."""
        if ids:
            self.collection.delete(ids=list(ids))

    def refresh(self, library: Library, progress: Progress = no_progress) -> RefreshReport:
        """Bring the index in line with the library, re-embedding only entries whose content changed."""
        with self.writing:
            return self._refresh(library, progress)

    def _refresh(self, library: Library, progress: Progress) -> RefreshReport:
        started = time.perf_counter()
        self.taxonomy = library.taxonomy
        stored = self.stored_hashes()
        wanted = {e.id: (e, content_hash(e, library.taxonomy)) for e in library.entries}
        changed = [(e, h) for e, h in wanted.values() if stored.get(e.id) != h]
        stale = [i for i in stored if i not in wanted and self._is_library_id(i)]
        added = sum(1 for e, _ in changed if e.id not in stored)
        if changed:
            self.upsert([e for e, _ in changed], [h for _, h in changed], progress)
        self.delete(stale)
        if changed or stale or len(self._snapshot.ids) != len(stored):
            self.reload()
        progress(1.0, "Library index is up to date")
        return RefreshReport(
            added=added,
            updated=len(changed) - added,
            removed=len(stale),
            unchanged=len(wanted) - len(changed),
            seconds=time.perf_counter() - started,
        )

    def _is_library_id(self, doc_id: str) -> bool:
        position = self._snapshot.position.get(doc_id)
        if position is None:  # not in the snapshot yet: ask Chroma
            got = self.collection.get(ids=[doc_id], include=["metadatas"])
            return bool(got["ids"]) and got["metadatas"][0].get("source", "").startswith("library:")
        return self._snapshot.entries[position].source.startswith("library:")

    # -- searching -------------------------------------------------------------

    def _mask(self, kinds: Sequence[Kind] | None, modalities: Sequence[str] | None, areas: Sequence[str] | None):
        entries = self._snapshot.entries
        mask = np.ones(len(entries), dtype=bool)
        if kinds:
            wanted = set(kinds)
            mask &= np.fromiter((e.kind in wanted for e in entries), dtype=bool, count=len(entries))
        if modalities:
            wanted = set(modalities)
            mask &= np.fromiter(
                (not e.modalities or bool(wanted.intersection(e.modalities)) for e in entries),
                dtype=bool,
                count=len(entries),
            )
        if areas:
            wanted = set(areas)
            mask &= np.fromiter(
                (bool(wanted.intersection(e.problem_areas)) for e in entries), dtype=bool, count=len(entries)
            )
        return mask

    @staticmethod
    def _where(kinds: Sequence[Kind] | None, modalities: Sequence[str] | None, areas: Sequence[str] | None):
        clauses: list[dict] = []
        if kinds:
            clauses.append({"kind": {"$in": [Kind(k).value for k in kinds]}})
        if modalities:
            clauses.append({"$or": [{_modality_key(m): True} for m in modalities] + [{_ANY_MODALITY: True}]})
        if areas:
            options = [{_area_key(a): True} for a in areas]
            clauses.append(options[0] if len(options) == 1 else {"$or": options})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def lexical_ranking(self, query: str, mask: np.ndarray, depth: int = CANDIDATE_DEPTH) -> list[int]:
        """Snapshot positions ranked by BM25, best first, only where the mask allows and the score is positive."""
        bm25 = self._snapshot.bm25
        tokens = tokenize([query])[0]
        if bm25 is None or not tokens:
            return []
        ids = bm25.get_tokens_ids(tokens)
        if not ids:
            return []
        scores = bm25.get_scores_from_ids(ids)
        scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[:depth]
        return [int(i) for i in top if scores[i] > 0]

    def dense_ranking(self, query_vector: list[float], where: dict | None, depth: int = CANDIDATE_DEPTH) -> list[int]:
        """Snapshot positions ranked by cosine similarity in Chroma, best first."""
        if not self._snapshot.ids:
            return []
        result = self.collection.query(
            query_embeddings=[query_vector],
            n_results=min(depth, len(self._snapshot.ids)),
            where=where,
            include=[],
        )
        positions = self._snapshot.position
        return [positions[i] for i in result["ids"][0] if i in positions]

    def area_ranking(self, query_vector: list[float], mask: np.ndarray, depth: int = CANDIDATE_DEPTH) -> list[int]:
        """Dense similarity plus how well the query fits the entry's best problem area (its centroid).

        This keeps results coherent with the concern's likely area(s): a query about a postpartum
        mother's low mood favours depression entries over ones that merely share a word.
        """
        snapshot = self._snapshot
        if not snapshot.ids:
            return []
        query = np.asarray(query_vector, dtype=np.float32)
        area_fit = snapshot.area_centroids @ query
        best_area = np.where(snapshot.area_membership, area_fit[None, :], -1.0).max(axis=1)
        scores = np.where(mask, snapshot.vectors @ query + AREA_WEIGHT * best_area, -np.inf)
        top = np.argsort(-scores, kind="stable")[:depth]
        return [int(i) for i in top if np.isfinite(scores[i])]

    def area_fit(self, text: str) -> dict[str, float]:
        """How well a text fits each problem area: cosine similarity to the area's centroid."""
        snapshot = self._snapshot
        if not snapshot.ids or not text.strip():
            return {}
        fit = snapshot.area_centroids @ np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        area_ids = [t.id for t in self.taxonomy.problem_areas]
        return {
            area: float(score)
            for area, score in zip(area_ids, fit, strict=True)
            if snapshot.area_membership[:, area_ids.index(area)].any()
        }

    def nearest_areas(self, vectors: np.ndarray, limit: int = 2, margin: float = 0.02) -> list[tuple[str, ...]]:
        """For each embedding, the problem areas whose library centroid it is closest to: the best one, plus
        up to `limit - 1` runners-up within `margin` of it. Empty tuples while no library entry is indexed."""
        centroids = self._snapshot.area_centroids
        vectors = np.asarray(vectors, dtype=np.float32)
        present = np.linalg.norm(centroids, axis=1) > 0 if centroids.size else np.zeros(0, dtype=bool)
        if not present.any():
            return [() for _ in range(len(vectors))]
        area_ids = [t.id for t in self.taxonomy.problem_areas]
        fit = np.where(present[None, :], vectors @ centroids.T, -np.inf)
        nearest = []
        for row in fit:
            order = np.argsort(-row, kind="stable")[:limit]
            best = row[order[0]]
            nearest.append(tuple(area_ids[i] for i in order if np.isfinite(row[i]) and row[i] >= best - margin))
        return nearest

    def embed_query(self, query: str) -> list[float]:
        """The query's embedding, as `search` computes it (nothing is kept: the index is shared by every session)."""
        return self.embeddings.embed_query(" ".join(query.split()))

    def search(
        self,
        query: str,
        k: int = 10,
        kinds: Sequence[Kind | str] | None = None,
        modalities: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
        mode: str = "hybrid",
        query_vector: Sequence[float] | None = None,
    ) -> list[Hit]:
        """The best `k` entries for a free-text query, filtered by kind, modality (or neutral) and area.

        `hybrid` (default) fuses three rankings: BM25, dense (Chroma) and dense with the problem-area prior;
        `lexical`, `dense` and `area` run one channel alone (for the benchmark and tests). A caller running
        several searches for one text passes `query_vector=index.embed_query(text)` to embed it once.
        """
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(SEARCH_MODES)}")
        query = " ".join(query.split())
        if not query or not self._snapshot.ids:
            return []
        kinds = [Kind(k) for k in kinds] if kinds else None
        mask = self._mask(kinds, modalities, areas)
        rankings = []
        if mode in ("hybrid", "lexical"):
            rankings.append(self.lexical_ranking(query, mask))
        if mode != "lexical" and query_vector is None:
            query_vector = self.embed_query(query)
        if mode in ("hybrid", "dense"):
            rankings.append(self.dense_ranking(query_vector, self._where(kinds, modalities, areas)))
        if mode in ("hybrid", "area"):
            rankings.append(self.area_ranking(query_vector, mask))
        fused = rrf_fuse(rankings)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [self._hit(position, score) for position, score in best]

    def browse(
        self,
        kinds: Sequence[Kind | str] | None = None,
        modalities: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
    ) -> list[Hit]:
        """Every entry matching the filters, in library order (no query)."""
        mask = self._mask([Kind(k) for k in kinds] if kinds else None, modalities, areas)
        return [self._hit(int(i), 0.0) for i in np.flatnonzero(mask)]

    def _hit(self, position: int, score: float) -> Hit:
        entry = self._snapshot.entries[position]
        return Hit(
            id=entry.id,
            kind=entry.kind,
            text=entry.text,
            problem_areas=list(entry.problem_areas),
            modalities=list(entry.modalities),
            category=entry.category.value if entry.category else None,
            score=round(score, 6),
            source=entry.source,
            goals=list(entry.goals),
            measure=entry.measure,
            frequency=entry.frequency,
            tags=list(entry.tags),
        )
