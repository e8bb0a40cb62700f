// kgtwin: a patient's twins and their predictions
// Predictions written back by the patient's twin versions (model_id names the twin and
// its version), best score first within each twin.
// :param patient_id => "KGTWIN.PATIENT:P001"
MATCH (patient:Case {id: $patient_id})-[predicted]-(other)
WHERE predicted.knowledge_level = "prediction"
RETURN predicted.model_id AS twin,
       type(predicted) AS relation,
       other.id AS other_id,
       other.name AS other_name,
       predicted.object_direction_qualifier AS direction,
       predicted.score AS score
ORDER BY twin, score DESC
