// kgtwin: a patient's twins and their predictions
// Every stored version of the patient's twin (`kgtwin twin update`) and the drugs it
// ranks: score with its 95 % interval, newest version first, best rank first.
// (the demo's colorectal cancer patient with BRAF V600E; `kgtwin patient list` lists all)
// :param patient_id => "KGTWIN.PATIENT:g56pqxmj6omrrjpbhmbaznnt7q"
MATCH (twin:DatasetVersion)-[:MODEL_OF]->(patient:Case {id: $patient_id})
MATCH (twin)-[predicted:ASSOCIATED_WITH]->(drug:ChemicalEntity)
WHERE predicted.knowledge_level = "prediction"
RETURN twin.id AS twin,
       twin.version AS version,
       predicted.rank AS rank,
       drug.name AS drug,
       predicted.score AS score,
       predicted.score_low AS score_low,
       predicted.score_high AS score_high
ORDER BY version DESC, rank
