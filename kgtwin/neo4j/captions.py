"""Captions for the nodes Neo4j Browser cannot caption by name: patients and samples.

Browser captions each label by one property (``kgtwin/neo4j/browser/kgtwin.grass``).
Patients and samples carry no name on purpose (privacy), so every load writes
``kgtwin_caption`` on them: ``patient g56pqxmj · colorectal cancer`` (pseudonym prefix
and diagnoses) and ``sample 5dxz6nhw of g56pqxmj`` (the sample's pseudonymised barcode
and its patient). ``kgtwin_`` properties are kgtwin's own bookkeeping: they are never
read back as record properties (:func:`kgtwin.neo4j.codec.decode`), so both stores
still hold the same records.
"""

from __future__ import annotations

from typing import Any

PATIENTS = """
MATCH (p:Case)
OPTIONAL MATCH (p)-[:HAS_PHENOTYPE]->(d)
WITH p, [name IN collect(DISTINCT d.name) WHERE name IS NOT NULL] AS diagnoses
WITH p, 'patient ' + left(split(p.id, ':')[1], 8) AS caption, diagnoses
SET p.kgtwin_caption = CASE WHEN size(diagnoses) = 0 THEN caption
    ELSE caption + ' · ' + reduce(text = head(diagnoses), d IN tail(diagnoses) |
                                  text + ', ' + d) END
"""

SAMPLES = """
MATCH (s:MaterialSample)
OPTIONAL MATCH (s)-[:DERIVES_FROM]->(p:Case)
WITH s, 'sample ' + left(split(s.id, ':')[1], 8) AS caption, collect(p)[0] AS p
SET s.kgtwin_caption = CASE WHEN p IS NULL THEN caption
    ELSE caption + ' of ' + left(split(p.id, ':')[1], 8) END
"""


def refresh_captions(run: Any) -> None:
    """Write the captions with ``run`` (a transaction's or a driver's query function)."""
    for query in (PATIENTS, SAMPLES):
        result = run(query)
        if hasattr(result, "consume"):
            result.consume()
