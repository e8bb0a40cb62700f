"""The embedded store's measurements: per-entity vectors over a per-kind feature panel.

Why not one row per value: a 20,000 genes x 500 samples matrix is ten million values;
as SQLite rows (even integer-keyed) they cost over 20 CPU seconds to insert and index,
and most of a megabyte per thousand. Here each kind (``expression``) has a feature
panel (``measure_features``: feature -> position, new features appended) and each
entity (a sample) keeps its values of a kind as vectors over that panel, cut into
chunks of :data:`CHUNK` positions (``measure_vectors``: one row per entity, kind and
chunk). A row holds the present cells only: their offsets in the chunk, values,
z-scores (NaN: none) and, per cell, the id of its set of sources (``measure_sets``).

The meaning is still the table of (entity, feature, kind) -> value, z-score, sources,
with the same rules as before: the latest load wins a cell and adds its source to the
cell's sources; removing a source drops the cells it alone stated; when two ids fold
into one node, cells stated on the folded id move and win over the kept id's cells.
A load's cells wait in memory (at most :data:`PENDING_CELLS`) and are merged into
their rows in one pass per row, so a matrix read gene by gene rewrites few rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

CHUNK = 1024
#: Cells a load keeps in memory before merging them into stored rows.
PENDING_CELLS = 4_000_000
COLUMNS = ["entity", "feature", "kind", "value", "zscore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS measure_features (
    kind TEXT NOT NULL, feature TEXT NOT NULL, position INTEGER NOT NULL,
    PRIMARY KEY (kind, feature)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS measure_features_feature ON measure_features (feature);
CREATE TABLE IF NOT EXISTS measure_sets (id INTEGER PRIMARY KEY, sources TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS measure_vectors (
    id INTEGER PRIMARY KEY, entity TEXT NOT NULL, kind TEXT NOT NULL, chunk INTEGER NOT NULL,
    cells INTEGER NOT NULL, sources TEXT NOT NULL, offsets BLOB NOT NULL,
    vals BLOB NOT NULL, zscores BLOB NOT NULL, sets BLOB NOT NULL,
    UNIQUE (entity, kind, chunk));
CREATE INDEX IF NOT EXISTS measure_vectors_chunk ON measure_vectors (kind, chunk)
"""

_ROW = "id, entity, kind, chunk, offsets, vals, zscores, sets"


@dataclass
class Cells:
    """The present cells of one stored row: sorted offsets and their columns."""

    offsets: np.ndarray  # int64, sorted, unique
    values: np.ndarray
    zscores: np.ndarray
    sets: np.ndarray  # int64 ids into measure_sets

    @classmethod
    def empty(cls) -> Cells:
        return cls(np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0, np.int64))

    @classmethod
    def decode(cls, offsets: bytes, values: bytes, zscores: bytes, sets: bytes) -> Cells:
        return cls(
            np.frombuffer(offsets, "<u2").astype(np.int64),
            np.frombuffer(values, "<f8").copy(),
            np.frombuffer(zscores, "<f8").copy(),
            np.frombuffer(sets, "<i4").astype(np.int64),
        )

    def encode(self) -> tuple[bytes, bytes, bytes, bytes]:
        return (
            self.offsets.astype("<u2").tobytes(),
            self.values.astype("<f8").tobytes(),
            self.zscores.astype("<f8").tobytes(),
            self.sets.astype("<i4").tobytes(),
        )

    def take(self, keep: np.ndarray) -> Cells:
        return Cells(self.offsets[keep], self.values[keep], self.zscores[keep], self.sets[keep])

    def overlay(self, top: Cells) -> Cells:
        """These cells with ``top``'s written over them (``top`` wins a shared offset)."""
        under = self.take(~np.isin(self.offsets, top.offsets))
        offsets = np.concatenate([under.offsets, top.offsets])
        order = np.argsort(offsets, kind="stable")
        return Cells(
            offsets[order],
            np.concatenate([under.values, top.values])[order],
            np.concatenate([under.zscores, top.zscores])[order],
            np.concatenate([under.sets, top.sets])[order],
        )


def _last_wins(offsets: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sorted unique offsets, each with the columns of its last occurrence."""
    reverse = offsets[::-1]
    unique, first = np.unique(reverse, return_index=True)
    picked = len(offsets) - 1 - first
    return (unique, *(c[picked] for c in columns))


def _source_text(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in sorted(set(ids)))


class SourceSets:
    """Interned sets of source ids (``"1,4"``), shared by every cell that has one."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self._ids: dict[str, int] = {}
        self._texts: dict[int, str] = {}

    def id(self, text: str) -> int:
        found = self._ids.get(text)
        if found is None:
            row = self.db.execute("SELECT id FROM measure_sets WHERE sources = ?", (text,))
            row = row.fetchone() or self.db.execute(
                "INSERT INTO measure_sets (sources) VALUES (?) RETURNING id", (text,)
            ).fetchone()
            found = self._ids[text] = row[0]
            self._texts[found] = text
        return found

    def text(self, id_: int) -> str:
        found = self._texts.get(id_)
        if found is None:
            found = self.db.execute(
                "SELECT sources FROM measure_sets WHERE id = ?", (id_,)
            ).fetchone()[0]
            self._texts[id_], self._ids[found] = found, id_
        return found

    def members(self, id_: int) -> set[int]:
        return {int(s) for s in self.text(id_).split(",") if s}

    def union_text(self, ids: np.ndarray) -> str:
        return _source_text(s for i in np.unique(ids).tolist() for s in self.members(i))


class Panels:
    """Each kind's feature -> position map, read once per load and extended in place."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self._panels: dict[str, dict[str, int]] = {}
        self._next: dict[str, int] = {}

    def panel(self, kind: str) -> dict[str, int]:
        found = self._panels.get(kind)
        if found is None:
            found = self._panels[kind] = dict(
                self.db.execute(
                    "SELECT feature, position FROM measure_features WHERE kind = ?", (kind,)
                )
            )
            self._next[kind] = max(found.values(), default=-1) + 1
        return found

    def positions(self, kind: str, features: Iterable[str]) -> np.ndarray:
        """Positions of features, new ones appended to the panel."""
        panel = self.panel(kind)
        result = []
        fresh = []
        for feature in features:
            position = panel.get(feature)
            if position is None:
                position = panel[feature] = self._next[kind]
                self._next[kind] += 1
                fresh.append((kind, feature, position))
            result.append(position)
        if fresh:
            self.db.executemany("INSERT INTO measure_features VALUES (?, ?, ?)", fresh)
        return np.asarray(result, dtype=np.int64)

    def forget(self) -> None:
        self._panels.clear()
        self._next.clear()


class MeasureWriter:
    """Collects one load's cells and merges them into the stored rows (see module docs)."""

    def __init__(self, db: sqlite3.Connection, source_id: str):
        self.db = db
        self.sets = SourceSets(db)
        self.panels = Panels(db)
        self._own = 0  # the set {this source}, interned when first needed
        self._source = int(source_id)
        self._with_source: dict[int, int] = {}
        self._pending: dict[tuple[str, str, int], list[tuple[np.ndarray, ...]]] = {}
        self._pending_cells = 0

    # --- collecting -----------------------------------------------------------------
    def add_block(
        self,
        kind: str,
        features: list[str],
        entities: list[str],
        values: np.ndarray,
        zscores: np.ndarray | None,
    ) -> int:
        """Queues a features x entities block of resolved ids; returns its cell count."""
        positions = self.panels.positions(kind, features)
        if zscores is None:
            zscores = np.full(values.shape, np.nan)
        present = ~np.isnan(values)
        chunks = positions // CHUNK
        added = 0
        for chunk in np.unique(chunks).tolist():
            rows = np.flatnonzero(chunks == chunk)
            offsets = positions[rows] % CHUNK
            block_values, block_scores = values[rows].T, zscores[rows].T
            block_present = present[rows].T
            for j, entity in enumerate(entities):
                mask = block_present[j]
                count = int(np.count_nonzero(mask))
                if count:
                    self._queue((entity, kind, chunk),
                                (offsets[mask], block_values[j][mask], block_scores[j][mask]))
                    added += count
        return added

    def add_rows(self, rows: Iterable[tuple[str, str, str, float, float | None]]) -> int:
        """Queues single (entity, feature, kind, value, zscore) cells of resolved ids."""
        grouped: dict[tuple[str, str, int], list[tuple[int, float, float]]] = {}
        added = 0
        for entity, feature, kind, value, zscore in rows:
            position = int(self.panels.positions(kind, [feature])[0])
            score = np.nan if zscore is None else float(zscore)
            grouped.setdefault((entity, kind, position // CHUNK), []).append(
                (position % CHUNK, float(value), score)
            )
            added += 1
        for key, cells in grouped.items():
            offsets, values, scores = (np.asarray(c) for c in zip(*cells, strict=True))
            self._queue(key, (offsets.astype(np.int64), values.astype(float),
                              scores.astype(float)))
        return added

    def _queue(self, key: tuple[str, str, int], part: tuple[np.ndarray, ...]) -> None:
        self._pending.setdefault(key, []).append(part)
        self._pending_cells += len(part[0])
        if self._pending_cells >= PENDING_CELLS:
            self.flush()

    # --- merging --------------------------------------------------------------------
    def flush(self) -> None:
        """Merges the queued cells into their rows (at the end of a load, before a re-key)."""
        pending, self._pending, self._pending_cells = self._pending, {}, 0
        for key in sorted(pending):
            parts = pending[key]
            offsets, values, scores = (np.concatenate(c) for c in zip(*parts, strict=True))
            offsets, values, scores = _last_wins(offsets, values, scores)
            self._merge(key, offsets, values, scores)

    def _merge(self, key: tuple[str, str, int], offsets, values, scores) -> None:
        row = self.db.execute(
            "SELECT id, offsets, vals, zscores, sets FROM measure_vectors "
            "WHERE entity = ? AND kind = ? AND chunk = ?",
            key,
        ).fetchone()
        stored = Cells.decode(*row[1:]) if row else Cells.empty()
        if not self._own:
            self._own = self.sets.id(str(self._source))
        sets = np.full(len(offsets), self._own, dtype=np.int64)
        if len(stored.offsets):
            index = np.searchsorted(stored.offsets, offsets)
            inside = index < len(stored.offsets)
            hit = np.zeros(len(offsets), dtype=bool)
            hit[inside] = stored.offsets[index[inside]] == offsets[inside]
            if hit.any():
                sets[hit] = [self._add_source(int(s)) for s in stored.sets[index[hit]].tolist()]
        merged = stored.overlay(Cells(offsets, values, scores, sets))
        write_row(self.db, self.sets, key, merged, row[0] if row else None)

    def _add_source(self, set_id: int) -> int:
        found = self._with_source.get(set_id)
        if found is None:
            members = self.sets.members(set_id) | {self._source}
            found = self._with_source[set_id] = self.sets.id(_source_text(members))
        return found

    # --- re-keying ------------------------------------------------------------------
    def rekey(self, old: str, new: str) -> None:
        """Cells stated on ``old`` (as entity or feature) move to ``new`` and win there."""
        self.flush()
        for row in self.db.execute(
            f"SELECT {_ROW} FROM measure_vectors WHERE entity = ?", (old,)
        ).fetchall():
            self.db.execute("DELETE FROM measure_vectors WHERE id = ?", (row[0],))
            put_cells(self.db, self.sets, (new, row[2], row[3]), Cells.decode(*row[4:]))
        for kind, position in self.db.execute(
            "SELECT kind, position FROM measure_features WHERE feature = ?", (old,)
        ).fetchall():
            self._rekey_feature(kind, position, old, new)
        self.panels.forget()

    def _rekey_feature(self, kind: str, position: int, old: str, new: str) -> None:
        target = self.db.execute(
            "SELECT position FROM measure_features WHERE kind = ? AND feature = ?", (kind, new)
        ).fetchone()
        if target is None:
            self.db.execute(
                "UPDATE measure_features SET feature = ? WHERE kind = ? AND feature = ?",
                (new, kind, old),
            )
            return
        chunk, offset = divmod(position, CHUNK)
        new_chunk, new_offset = divmod(target[0], CHUNK)
        for row in self.db.execute(
            f"SELECT {_ROW} FROM measure_vectors WHERE kind = ? AND chunk = ?", (kind, chunk)
        ).fetchall():
            cells = Cells.decode(*row[4:])
            at = cells.offsets == offset
            if not at.any():
                continue
            write_row(self.db, self.sets, (row[1], kind, chunk), cells.take(~at), row[0])
            moved = cells.take(at)
            moved.offsets = np.array([new_offset], dtype=np.int64)
            put_cells(self.db, self.sets, (row[1], kind, new_chunk), moved)
        self.db.execute(
            "DELETE FROM measure_features WHERE kind = ? AND feature = ?", (kind, old)
        )


def write_row(
    db: sqlite3.Connection, sets: SourceSets, key: tuple[str, str, int], cells: Cells,
    row_id: int | None,
) -> None:
    """Stores a row's cells (deleting the row when none are left)."""
    if not len(cells.offsets):
        if row_id is not None:
            db.execute("DELETE FROM measure_vectors WHERE id = ?", (row_id,))
        return
    data = (len(cells.offsets), sets.union_text(cells.sets), *cells.encode())
    if row_id is None:
        db.execute(
            "INSERT INTO measure_vectors (entity, kind, chunk, cells, sources, offsets, vals, "
            "zscores, sets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*key, *data),
        )
    else:
        db.execute(
            "UPDATE measure_vectors SET cells = ?, sources = ?, offsets = ?, vals = ?, "
            "zscores = ?, sets = ? WHERE id = ?",
            (*data, row_id),
        )


def put_cells(db: sqlite3.Connection, sets: SourceSets, key: tuple[str, str, int],
              cells: Cells) -> None:
    """Writes cells over a row's (their values and sources replace those stored)."""
    row = db.execute(
        "SELECT id, offsets, vals, zscores, sets FROM measure_vectors "
        "WHERE entity = ? AND kind = ? AND chunk = ?",
        key,
    ).fetchone()
    stored = Cells.decode(*row[1:]) if row else Cells.empty()
    write_row(db, sets, key, stored.overlay(cells), row[0] if row else None)


def remove_source(db: sqlite3.Connection, source_id: int) -> None:
    """Drops ``source_id`` from every cell's sources and the cells it alone stated."""
    sets = SourceSets(db)
    pattern = f",{source_id},"
    renamed: dict[int, int] = {}
    for id_, text in db.execute(
        "SELECT id, sources FROM measure_sets WHERE instr(',' || sources || ',', ?)", (pattern,)
    ).fetchall():
        rest = _source_text(int(s) for s in text.split(",") if s and int(s) != source_id)
        renamed[id_] = sets.id(rest) if rest else 0
    if not renamed:
        return
    for row in db.execute(
        f"SELECT {_ROW} FROM measure_vectors WHERE instr(',' || sources || ',', ?)", (pattern,)
    ).fetchall():
        cells = Cells.decode(*row[4:])
        cells.sets = _rename(cells.sets, renamed)
        write_row(db, sets, (row[1], row[2], row[3]), cells.take(cells.sets != 0), row[0])


def _rename(ids: np.ndarray, renamed: dict[int, int]) -> np.ndarray:
    """``ids`` with each key of ``renamed`` replaced by its value (vectorised)."""
    keys = np.fromiter(renamed.keys(), dtype=np.int64, count=len(renamed))
    order = np.argsort(keys)
    keys, targets = keys[order], np.fromiter(renamed.values(), np.int64, len(renamed))[order]
    index = np.clip(np.searchsorted(keys, ids), 0, len(keys) - 1)
    return np.where(keys[index] == ids, targets[index], ids)


def count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT coalesce(sum(cells), 0) FROM measure_vectors").fetchone()[0]


# --- reading ------------------------------------------------------------------------
def frame(
    db: sqlite3.Connection,
    *,
    entity: str | None = None,
    feature: str | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """The measurements table (columns :data:`COLUMNS`) for resolved ids, sorted by
    entity and feature, with the dtypes a SQL read of the old row table gave."""
    pieces = list(_pieces(db, entity, feature, kind))
    if not pieces:
        return pd.DataFrame(columns=COLUMNS)
    columns = [np.concatenate(column) for column in zip(*pieces, strict=True)]
    result = pd.DataFrame(dict(zip(COLUMNS, columns, strict=True)))
    keys = [k for k in ("entity", "feature", "kind") if result[k].nunique() > 1]
    if keys:
        result = result.sort_values(keys, kind="stable", ignore_index=True)
    if result["zscore"].isna().all():
        result["zscore"] = pd.Series([None] * len(result), dtype=object)
    return result


def _pieces(db, entity, feature, kind) -> Iterator[tuple[np.ndarray, ...]]:
    names = _Names(db)
    if feature is None:
        where, params = [], []
        for column, value in (("entity", entity), ("kind", kind)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_ROW} FROM measure_vectors" + (
            " WHERE " + " AND ".join(where) if where else "")
        for row in db.execute(sql, params):
            yield _piece(row, names, None)
        return
    spots = db.execute(
        "SELECT kind, position FROM measure_features WHERE feature = ?"
        + (" AND kind = ?" if kind is not None else ""),
        (feature, kind) if kind is not None else (feature,),
    ).fetchall()
    for spot_kind, position in spots:
        chunk, offset = divmod(position, CHUNK)
        sql = f"SELECT {_ROW} FROM measure_vectors WHERE kind = ? AND chunk = ?"
        params = [spot_kind, chunk]
        if entity is not None:
            sql += " AND entity = ?"
            params.append(entity)
        for row in db.execute(sql, params):
            yield _piece(row, names, offset)


def _piece(row: tuple, names: _Names, offset: int | None) -> tuple[np.ndarray, ...]:
    """One stored row as columns (entity, feature, kind, value, zscore)."""
    _, entity, kind, chunk, *blobs = row
    cells = Cells.decode(*blobs)
    if offset is not None:
        cells = cells.take(cells.offsets == offset)
    size = len(cells.offsets)
    return (
        np.full(size, entity, dtype=object),
        names.of(kind)[cells.offsets + chunk * CHUNK],
        np.full(size, kind, dtype=object),
        cells.values,
        cells.zscores,
    )


class _Names:
    """Position -> feature of each kind's panel, read when first needed."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self._names: dict[str, np.ndarray] = {}

    def of(self, kind: str) -> np.ndarray:
        found = self._names.get(kind)
        if found is None:
            rows = self.db.execute(
                "SELECT feature, position FROM measure_features WHERE kind = ?", (kind,)
            ).fetchall()
            size = max((p for _, p in rows), default=-1) + 1
            found = np.full(size, None, dtype=object)
            for name, position in rows:
                found[position] = name
            self._names[kind] = found
        return found



def import_rows(db: sqlite3.Connection,
                rows: Iterable[tuple[str, str, str, float, float | None, str]]) -> int:
    """Cells that carry their own source lists (``"1,4"``), written as vectors.

    For stores of schema 1, which kept one row per value; ``rows`` must come grouped by
    entity, so one entity's cells are in memory at a time.
    """
    sets, panels = SourceSets(db), Panels(db)
    pending: dict[tuple[str, str, int], list[tuple[int, float, float, int]]] = {}
    current: str | None = None
    count = 0
    for entity, feature, kind, value, zscore, sources in rows:
        if entity != current:
            _put_pending(db, sets, pending)
            current = entity
        position = int(panels.positions(kind, [feature])[0])
        members = sets.id(_source_text(int(s) for s in sources.split(",") if s))
        pending.setdefault((entity, kind, position // CHUNK), []).append(
            (position % CHUNK, value, np.nan if zscore is None else zscore, members)
        )
        count += 1
    _put_pending(db, sets, pending)
    return count


def _put_pending(db: sqlite3.Connection, sets: SourceSets,
                 pending: dict[tuple[str, str, int], list[tuple[int, float, float, int]]]) -> None:
    for key, cells in pending.items():
        offsets, values, scores, members = (np.asarray(c) for c in zip(*cells, strict=True))
        order = np.argsort(offsets)
        put_cells(db, sets, key, Cells(offsets[order].astype(np.int64),
                                       values[order].astype(float), scores[order].astype(float),
                                       members[order].astype(np.int64)))
    pending.clear()
