"""``neo4j-admin database import`` files for a whole graph, written streaming.

The files hold exactly what an incremental push (:func:`kgtwin.neo4j.transfer.copy_graph`
into an empty database through :class:`~kgtwin.neo4j.store.Neo4jStore`) would leave
behind: the same labels, properties, aliases, provenance ids, ledger, measurements,
meta node and edge order (``kgtwin_seq``), so the store reads both back alike
(``tests/neo4j/test_bulk.py`` compares them). To get there the writer replays the
incremental push's bookkeeping instead of copying its Cypher:

* sources get ids 1, 2, … in ledger order, one load each, and a record travels with
  every source of its provenance (nodes without any: with the first);
* an edge or measurement naming a node that a later source describes makes a stub
  first (as the incremental writer does), so that node carries the earlier source too
  and keeps the stub's ``aligned``;
* edges are numbered as the incremental writer numbers them: within a source in key
  order, one run of at most :data:`~kgtwin.neo4j.store_write.STAGE_LIMIT` staged edges
  at a time, counting the edges an earlier source already created.

Memory stays bounded by the node count plus one staging run of edges; the edges of a
graph are read once per source. An :class:`~kgtwin.store.EmbeddedStore` is read from
its tables directly (about twice as fast as building ``Edge`` objects); any other
store through the protocol.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from kgtwin.biolink import ROOT_CATEGORY, Biolink, default_biolink
from kgtwin.model import properties_text, qualifier_key
from kgtwin.neo4j import codec
from kgtwin.neo4j.import_csv import ARRAY_DELIMITER, cell, header_cell, quote, value_type
from kgtwin.neo4j.store import BATCH, SCHEMA_VERSION
from kgtwin.neo4j.store_write import STAGE_LIMIT
from kgtwin.neo4j.transfer import ledger_sources, source_key
from kgtwin.store.base import GraphStore

log = logging.getLogger(__name__)

_NODE_COLUMNS = (
    "id:ID(Node)", ":LABEL", "category", "name", "aligned:boolean", "xrefs:string[]",
    "kgtwin_sources:long[]", "kgtwin_categories:string[]", "kgtwin_json:string[]",
)  # fmt: skip
_EDGE_COLUMNS = (
    ":START_ID(Node)", ":END_ID(Node)", ":TYPE", "predicate", "kgtwin_qualifiers",
    "aligned:boolean", "kgtwin_sources:long[]", "kgtwin_seq:long", "kgtwin_json:string[]",
)  # fmt: skip
_FIXED_FILES = {
    "aliases": (":LABEL", "alias", "node", "name"),
    "meta": (":LABEL", "key", "schema", "biolink", "revision:long", "next_source:long",
             "next_load:long", "next_edge:long"),
    "sources": (":LABEL", "sid:long", "name", "version", "checksum", "loader", "path",
                "options", "first_loaded"),
    "loads": (":LABEL", "seq:long", "sid:long", "loaded_at", "nodes:long", "edges:long",
              "measurements:long"),
    "measurements": (":LABEL", "entity", "feature", "kind", "value:double", "zscore:double",
                     "kgtwin_sources:long[]"),
}  # fmt: skip
#: At most this many differently-typed files of nodes or of edges (one header each).
MAX_FILES = 500


@dataclass
class ImportFiles:
    """What was written: the files for ``--nodes``/``--relationships``, and sizes."""

    folder: Path
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    multiline: bool = False
    node_count: int = 0
    edge_count: int = 0

    def admin_arguments(self) -> list[str]:
        """The import options naming these files (after ``database import full <db>``)."""
        args = [f"--nodes={path}" for path in self.nodes]
        args += [f"--relationships={path}" for path in self.relationships]
        args += [f"--array-delimiter={_DELIMITER_OPTION}", "--id-type=string"]
        if self.multiline:
            args.append("--multiline-fields=true")
        return args


_DELIMITER_OPTION = "U+001F"


class _Files:
    """CSV files of one kind, one per header (property names and types), opened on demand."""

    def __init__(self, folder: Path, prefix: str, fixed: tuple[str, ...], compress: bool):
        self.folder, self.prefix, self.fixed, self.compress = folder, prefix, fixed, compress
        self.open: dict[tuple, IO[str]] = {}
        self.paths: list[Path] = []
        self.multiline = False

    def write(self, cells: list[str], props: dict[str, Any] | None = None) -> None:
        signature = tuple(sorted((k, value_type(v)) for k, v in props.items())) if props else ()
        handle = self.open.get(signature) or self._start(signature)
        if props:
            cells = cells + [cell(props[name]) for name, _ in signature]
        line = ",".join(cells)
        if "\n" in line or "\r" in line:
            self.multiline = True
        handle.write(line + "\n")

    def write_lines(self, lines: list[str]) -> None:
        """Rows without record properties (most edges), joined already; whoever made them
        checked them for line breaks."""
        handle = self.open.get(()) or self._start(())
        handle.write("\n".join(lines) + "\n")

    def _start(self, signature: tuple) -> IO[str]:
        if len(self.open) >= MAX_FILES:
            raise _too_varied(self.prefix)
        suffix = ".csv.gz" if self.compress else ".csv"
        path = self.folder / f"{self.prefix}-{len(self.open) + 1:04d}{suffix}"
        # Kept open across many writes and closed by close(): no context manager.
        handle: IO[str] = (
            gzip.open(path, "wt", encoding="utf-8", compresslevel=1, newline="")  # noqa: SIM115
            if self.compress
            else open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115
        )
        header = [*self.fixed, *(header_cell(name, type_) for name, type_ in signature)]
        handle.write(",".join(quote(h) for h in header) + "\n")
        self.open[signature] = handle
        self.paths.append(path)
        return handle

    def close(self) -> None:
        for handle in self.open.values():
            handle.close()


def _too_varied(prefix: str) -> Exception:
    from kgtwin.neo4j.errors import BulkImportError

    return BulkImportError(
        f"the {prefix} need more than {MAX_FILES} different property layouts for "
        "neo4j-admin import; push with --method incremental"
    )


@dataclass
class _Plan:
    """Which source (0-based group) brings each record, as the incremental push loads."""

    group_of: dict[tuple, int]
    measured: list[int]
    node_groups: dict[str, tuple[int, ...]] = field(default_factory=dict)
    node_records: list[int] = field(default_factory=list)
    edge_records: list[int] = field(default_factory=list)
    stubs: dict[str, tuple[int, bool]] = field(default_factory=dict)
    next_seq: int = 0

    def groups(self, provenance_keys: Any) -> tuple[int, ...]:
        found = sorted({self.group_of[k] for k in provenance_keys if k in self.group_of})
        return tuple(found) or (0,)

    def first_group(self, node_id: str) -> float:
        groups = self.node_groups.get(node_id)
        return groups[0] if groups else float("inf")

    def stub(self, node_id: str, group: int, aligned: bool) -> None:
        if node_id not in self.stubs and self.first_group(node_id) > group:
            self.stubs[node_id] = (group, aligned)


def write_import_files(
    store: GraphStore,
    folder: Path,
    *,
    biolink: Biolink | None = None,
    compress: bool = False,
    batch_size: int = BATCH,
) -> ImportFiles:
    """Write the import files for everything in ``store`` into ``folder`` (created)."""
    biolink = biolink or default_biolink()
    folder.mkdir(parents=True, exist_ok=True)
    sources, measured_keys = ledger_sources(store)
    keys = list(sources)
    plan = _Plan(
        group_of={key: index for index, key in enumerate(keys)},
        measured=[i for i, key in enumerate(keys) if key in measured_keys],
    )
    count = max(len(keys), 1)
    plan.node_records = [0] * count
    plan.edge_records = [0] * count
    for node in _node_rows(store):
        groups = plan.groups(node.keys)
        plan.node_groups[node.id] = groups
        for group in groups:
            plan.node_records[group] += 1
    result = ImportFiles(folder)
    edges = _Files(folder, "edges", _EDGE_COLUMNS, compress)
    nodes = _Files(folder, "nodes", _NODE_COLUMNS, compress)
    fixed = {name: _Files(folder, name, columns, compress) for name, columns in
             _FIXED_FILES.items()}  # fmt: skip
    measurements = store.measurements() if plan.measured else None
    try:
        for group in range(len(keys)):
            result.edge_count += _write_edges(store, plan, group, batch_size, biolink, edges)
            if measurements is not None and group in plan.measured:
                for entity, feature in zip(measurements.entity, measurements.feature, strict=True):
                    plan.stub(entity, group, True)
                    plan.stub(feature, group, True)
        if keys:  # with no source in the ledger an incremental push copies nothing
            result.node_count = _write_nodes(store, plan, biolink, nodes, fixed["aliases"])
        if measurements is not None:
            _write_measurements(measurements, plan, fixed["measurements"])
        _write_ledger(list(sources.values()), plan, measurements, biolink, fixed)
    finally:
        for files in (edges, nodes, *fixed.values()):
            files.close()
    result.nodes = nodes.paths + [p for f in fixed.values() for p in f.paths]
    result.relationships = edges.paths
    result.multiline = any(f.multiline for f in (edges, nodes, *fixed.values()))
    log.info("wrote import files for %d nodes and %d edges in %s",
             result.node_count, result.edge_count, folder)  # fmt: skip
    return result


# --- edges ------------------------------------------------------------------------------
def _edge_rows(store: GraphStore) -> tuple[Iterator[tuple], Callable[[Any], tuple]]:
    """Every edge as ``(subject, predicate, object, qualifier key, properties text,
    aligned, sources)`` in the store's order (texts as the embedded store keeps them),
    and the function from ``sources`` to the edge's provenance keys."""
    from kgtwin.store import EmbeddedStore

    if isinstance(store, EmbeddedStore):  # its edge table as it is: twice as fast
        rows = store.db.execute(
            "SELECT subject, predicate, object, qualifiers, properties, aligned, sources "
            "FROM edges ORDER BY id"
        )
        return rows, lambda sources: tuple(source_key(p) for p in store._provenance(sources))
    rows = (
        (e.subject, e.predicate, e.object, qualifier_key(e.qualifiers),
         properties_text(e.properties), e.aligned, tuple(source_key(p) for p in e.provenance))
        for e in store.edges()
    )  # fmt: skip
    return rows, lambda sources: sources


def _write_edges(
    store: GraphStore, plan: _Plan, group: int, batch_size: int, biolink: Biolink, out: _Files
) -> int:
    """Pass over the edges of one source, numbering them as the incremental writer does;
    write those this source creates. Returns how many were written.

    Hot loop (millions of edges): rows are staged as the store returns them, lookups are
    cached and inlined on purpose.
    """
    offset = plan.node_records[group]
    staged: list[tuple] = []
    written = position = 0
    rows, provenance_of = _edge_rows(store)
    cache = _CellCache(biolink, plan, provenance_of)
    groups_of = cache.groups_of
    settled = {n for n, groups in plan.node_groups.items() if groups[0] <= group}
    for row in rows:
        sources = row[6]
        groups = groups_of.get(sources) or cache.groups(sources)
        if group not in groups:
            continue
        subject, object_ = row[0], row[2]
        if subject not in settled:
            plan.stub(subject, group, bool(row[5]))
            settled.add(subject)
        if object_ not in settled:
            plan.stub(object_, group, bool(row[5]))
            settled.add(object_)
        staged.append(row)
        position += 1
        if (offset + position) % batch_size == 0 and len(staged) >= STAGE_LIMIT:
            written += _flush(staged, plan, group, cache, out)
            staged = []
    written += _flush(staged, plan, group, cache, out)
    plan.edge_records[group] = position
    out.multiline |= cache.multiline
    return written


_NO_PROPERTIES = ("{}", "")


class _CellCache:
    """Cells of values that repeat across edges (ids, predicates, qualifier keys, source
    lists), each quoted once; notes any line break in them for ``--multiline-fields``."""

    def __init__(self, biolink: Biolink, plan: _Plan, provenance_of: Callable[[Any], tuple]):
        self.biolink, self.plan, self.provenance_of = biolink, plan, provenance_of
        self.ids: dict[str, str] = {}
        self.predicates: dict[str, str] = {}
        self.qualifiers: dict[str, str] = {}
        self.groups_of: dict[Any, tuple[int, ...]] = {}
        self.sids: dict[Any, str] = {}
        self.parsed: dict[str, dict] = {"": {}, "{}": {}}
        self.multiline = False

    def id(self, value: str) -> str:
        found = self.ids[value] = self._quote(value)
        return found

    def predicate(self, value: str) -> str:
        """``TYPE,"predicate"``: the type and the predicate cells."""
        found = self.predicates[value] = (
            f"{codec.relationship_type(self.biolink, value)},{self._quote(value)}"
        )
        return found

    def qualifier(self, value: str) -> str:
        found = self.qualifiers[value] = self._quote(value)
        return found

    def groups(self, sources: Any) -> tuple[int, ...]:
        found = self.groups_of[sources] = self.plan.groups(self.provenance_of(sources))
        return found

    def sid_cell(self, sources: Any) -> str:
        found = self.sids[sources] = _sids(self.groups_of[sources])
        return found

    def json(self, text: str) -> dict:
        found = self.parsed.get(text)
        if found is None:
            found = json.loads(text)
        return found

    def _quote(self, value: str) -> str:
        if "\n" in value or "\r" in value:
            self.multiline = True
        return quote(value)


def _flush(staged: list[tuple], plan: _Plan, group: int, cache: _CellCache, out: _Files) -> int:
    # Edge keys are unique, so sorting the rows sorts by (subject, predicate, object,
    # qualifier key) and never compares further.
    staged.sort()
    written = 0
    seq = plan.next_seq
    ids, predicates, qualifiers = cache.ids, cache.predicates, cache.qualifiers
    groups_of, sids = cache.groups_of, cache.sids
    lines: list[str] = []
    for subject, predicate, object_, qkey, props, aligned, sources in staged:
        seq += 1
        groups = groups_of[sources]
        if groups[0] != group:
            continue  # an earlier source created it; this one only added provenance
        cells = (
            f"{ids.get(subject) or cache.id(subject)},{ids.get(object_) or cache.id(object_)},"
            f"{predicates.get(predicate) or cache.predicate(predicate)},"
            f"{qualifiers.get(qkey) or cache.qualifier(qkey)},{'true' if aligned else 'false'},"
            f"{sids.get(sources) or cache.sid_cell(sources)},{seq - 1},"
        )
        written += 1
        quals = cache.json(qkey) if qkey else {}
        if props in _NO_PROPERTIES and not quals:
            lines.append(cells)
            continue
        encoded, json_keys = codec.encode(cache.json(props))
        mirrored = {k: v for k, v in quals.items() if k not in codec.RESERVED}
        out.write([cells + cell(json_keys)], {**mirrored, **encoded} if mirrored else encoded)
    if lines:
        out.write_lines(lines)
    plan.next_seq = seq
    return written


def _sids(groups: tuple[int, ...]) -> str:
    return quote(ARRAY_DELIMITER.join(str(g + 1) for g in groups))


# --- nodes, aliases, measurements, ledger ------------------------------------------------
class _NodeRow(NamedTuple):
    """What the files need of a node; ``keys``: its provenance as source keys."""

    id: str
    category: str
    name: str | None
    xrefs: tuple[str, ...]
    properties: Mapping[str, Any]
    aligned: bool
    keys: tuple


def _node_rows(store: GraphStore) -> Iterator[_NodeRow]:
    """Every node in id order. An :class:`~kgtwin.store.EmbeddedStore` is read from its
    tables in one statement (its ``nodes()`` asks for each node's aliases apart and builds
    a ``Node``: 47,000 nodes took 2 s of the files' 4 s), any other store through the
    protocol."""
    from kgtwin.store import EmbeddedStore

    if not isinstance(store, EmbeddedStore):
        for node in store.nodes():
            yield _NodeRow(node.id, node.category, node.name, node.xrefs, node.properties,
                           node.aligned, tuple(source_key(p) for p in node.provenance))
        return
    keys: dict[Any, tuple] = {}
    parsed = {"{}": {}, "": {}}
    rows = store.db.execute(
        "SELECT id, category, name, properties, aligned, sources, "
        "(SELECT json_group_array(alias) FROM aliases WHERE aliases.node = nodes.id) "
        "FROM nodes ORDER BY id"
    )
    for node_id, category, name, properties, aligned, sources, aliases in rows:
        found = keys.get(sources)
        if found is None:
            found = keys[sources] = tuple(source_key(p) for p in store._provenance(sources))
        xrefs = tuple(sorted(set(json.loads(aliases)) - {node_id})) if aliases != "[]" else ()
        props = parsed.get(properties)
        yield _NodeRow(node_id, category, name, xrefs,
                       json.loads(properties) if props is None else props, bool(aligned),
                       found)  # fmt: skip


def _write_nodes(
    store: GraphStore, plan: _Plan, biolink: Biolink, out: _Files, aliases: _Files
) -> int:
    written = 0
    for node in _node_rows(store):
        _write_node(node, plan, biolink, out, aliases)
        written += 1
    for node_id, (group, aligned) in plan.stubs.items():
        if node_id not in plan.node_groups:  # named by an edge only: stays a stub
            _write_row(out, aliases, biolink, node_id, ROOT_CATEGORY, None, aligned, (),
                       (group,), [ROOT_CATEGORY], {}, [])  # fmt: skip
            written += 1
    return written


def _write_node(
    node: _NodeRow, plan: _Plan, biolink: Biolink, out: _Files, aliases: _Files
) -> None:
    groups = plan.node_groups[node.id]
    category = biolink.resolve_category([node.category]) if node.aligned else ROOT_CATEGORY
    stub = plan.stubs.get(node.id)
    if stub is not None:
        groups = (stub[0], *groups)
        aligned, first = stub[1], [ROOT_CATEGORY]
        if node.aligned:
            category = biolink.resolve_category([ROOT_CATEGORY, node.category])
    else:
        aligned, first = node.aligned, [category]
    categories = list(first)
    if len(groups) > 1:  # later loads add the record's own category if it differs
        categories += [c for c in sorted({node.category, category}) if c not in categories]
    props, json_keys = codec.encode(node.properties)
    xrefs = sorted(set(node.xrefs) - {node.id})
    _write_row(out, aliases, biolink, node.id, category, node.name, aligned, xrefs, groups,
               categories, props, json_keys)  # fmt: skip


def _write_row(
    out: _Files,
    aliases: _Files,
    biolink: Biolink,
    node_id: str,
    category: str,
    name: str | None,
    aligned: bool,
    xrefs: Any,
    groups: tuple[int, ...],
    categories: list[str],
    props: dict[str, Any],
    json_keys: list[str],
) -> None:
    labels = codec.labels(biolink, category)
    out.write(
        [quote(node_id), quote(ARRAY_DELIMITER.join(labels)), quote(category), cell(name),
         "true" if aligned else "false", cell(list(xrefs)), _sids(groups), cell(categories),
         cell(json_keys)],
        props,
    )  # fmt: skip
    aliases.write(["KgtwinAlias", quote(node_id), quote(node_id), cell(name)])
    for xref in xrefs:
        aliases.write(["KgtwinAlias", quote(xref), quote(node_id), ""])


def _write_measurements(frame: Any, plan: _Plan, out: _Files) -> None:
    sids = _sids(tuple(plan.measured))
    for entity, feature, kind, value, zscore in zip(
        frame.entity, frame.feature, frame.kind, frame.value, frame.zscore, strict=True
    ):
        missing = zscore is None or zscore != zscore
        out.write(["KgtwinMeasurement", quote(entity), quote(feature), quote(kind),
                   cell(float(value)), "" if missing else cell(float(zscore)), sids])  # fmt: skip


def _write_ledger(
    sources: list[Any], plan: _Plan, measurements: Any, biolink: Biolink, out: dict[str, _Files]
) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    count = len(sources)
    out["meta"].write(["KgtwinMeta", quote("kgtwin"), quote(SCHEMA_VERSION),
                       quote(biolink.version), str(count), str(count), str(count),
                       str(plan.next_seq)])  # fmt: skip
    measured = 0 if measurements is None else len(measurements)
    for index, info in enumerate(sources):
        sid = str(index + 1)
        out["sources"].write(["KgtwinSource", sid, quote(info.name), quote(info.version),
                              quote(info.checksum), quote(info.loader), quote(info.path),
                              quote(info.options_text), quote(now)])  # fmt: skip
        out["loads"].write(["KgtwinLoad", sid, sid, quote(now), str(plan.node_records[index]),
                            str(plan.edge_records[index]),
                            str(measured if index in plan.measured else 0)])  # fmt: skip
