// kgtwin: a drug's targets and their pathways
// The genes and proteins a drug acts on (asserted edges only; predictions are excluded),
// the sign of the effect, and the pathways each target takes part in.
// :param drug_id => "CHEBI:45783"
MATCH (drug:ChemicalEntity {id: $drug_id})-[acts]->(target:Gene|Protein|RNAProduct)
WHERE coalesce(acts.knowledge_level, "") <> "prediction"
OPTIONAL MATCH (target)-[]-(pathway:Pathway)
RETURN drug.name AS drug,
       target.id AS target,
       target.name AS target_name,
       type(acts) AS relation,
       acts.object_direction_qualifier AS direction,
       collect(DISTINCT pathway.name) AS pathways
ORDER BY target_name
