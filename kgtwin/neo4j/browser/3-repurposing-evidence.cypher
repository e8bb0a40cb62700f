// kgtwin: evidence paths behind predicted repurposing links
// The drugs a model predicts for a disease (written by `kgtwin predict repurpose --write`
// or `kgtwin demo`), best score first, each with its three shortest asserted paths of
// two or three steps from drug to disease: the explanation to check.
// :param disease_id => "MONDO:0005105"
MATCH (drug:ChemicalEntity)-[predicted:TREATS]->(disease:DiseaseOrPhenotypicFeature {id: $disease_id})
WHERE predicted.knowledge_level = "prediction"
WITH drug, predicted, disease
ORDER BY predicted.score DESC
LIMIT 5
MATCH evidence = (drug)-[*2..3]-(disease)
WHERE all(step IN relationships(evidence) WHERE coalesce(step.knowledge_level, "") <> "prediction")
WITH drug, predicted, evidence
ORDER BY length(evidence), [node IN nodes(evidence) | coalesce(node.name, node.id)]
WITH drug, predicted, collect(evidence)[..3] AS shortest
UNWIND shortest AS evidence
RETURN drug.name AS drug,
       predicted.model_id AS model,
       predicted.score AS score,
       [node IN nodes(evidence) | coalesce(node.name, node.id)] AS path,
       [step IN relationships(evidence) | type(step)] AS relations
ORDER BY score DESC, drug, size(relations), path
