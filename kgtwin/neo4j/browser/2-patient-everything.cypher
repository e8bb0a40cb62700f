// kgtwin: everything known about a patient
// Every statement that touches the patient (a biolink:Case): mutations, expression,
// diagnoses, treatments and predictions, with direction and knowledge level.
// :param patient_id => "kgtwin.patient:P001"
MATCH (patient:Case {id: $patient_id})-[statement]-(other)
RETURN type(statement) AS relation,
       CASE WHEN startNode(statement) = patient THEN "patient -> other" ELSE "other -> patient" END AS reads,
       other.id AS other_id,
       other.name AS other_name,
       statement.object_direction_qualifier AS direction,
       coalesce(statement.knowledge_level, "asserted") AS knowledge_level,
       statement.score AS score
ORDER BY relation, other_name
