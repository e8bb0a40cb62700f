// kgtwin: everything known about a patient
// Every statement about the patient (a biolink:Case) and the patient's samples:
// diagnoses, treatments, variants, predictions, with direction and knowledge level.
// (the demo's colorectal cancer patient with BRAF V600E; `kgtwin patient list` lists all)
// :param patient_id => "KGTWIN.PATIENT:g56pqxmj6omrrjpbhmbaznnt7q"
MATCH (patient:Case {id: $patient_id})
OPTIONAL MATCH (sample)-[:DERIVES_FROM]->(patient)
WITH patient, [patient] + collect(sample) AS subjects
UNWIND subjects AS subject
MATCH (subject)-[statement]-(other)
WHERE other <> patient
RETURN subject.id AS about,
       type(statement) AS relation,
       CASE WHEN startNode(statement) = subject THEN "out" ELSE "in" END AS direction,
       other.id AS other_id,
       other.name AS other_name,
       statement.object_direction_qualifier AS sign,
       coalesce(statement.knowledge_level, "asserted") AS knowledge_level,
       statement.score AS score
ORDER BY about, relation, other_name
