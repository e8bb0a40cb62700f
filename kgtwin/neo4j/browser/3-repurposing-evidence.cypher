// kgtwin: evidence paths behind a predicted repurposing link
// The predicted drug-treats-disease edge (score, model) and the asserted paths of two or
// three steps that connect the drug to the disease: the explanation to check.
// :param drug_id => "CHEBI:45783"
// :param disease_id => "MONDO:0005148"
MATCH (drug:ChemicalEntity {id: $drug_id})-[predicted:TREATS]->(disease:DiseaseOrPhenotypicFeature {id: $disease_id})
WHERE predicted.knowledge_level = "prediction"
MATCH evidence = (drug)-[*2..3]-(disease)
WHERE all(step IN relationships(evidence) WHERE coalesce(step.knowledge_level, "") <> "prediction")
RETURN predicted.model_id AS model,
       predicted.score AS score,
       [node IN nodes(evidence) | coalesce(node.name, node.id)] AS path,
       [step IN relationships(evidence) | type(step)] AS relations
ORDER BY size(relations), path
LIMIT 25
