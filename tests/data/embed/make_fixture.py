"""Writes nodes.tsv / edges.tsv: a small drug-discovery graph in KGX TSV with real ids.

Curated by hand from well-known pharmacology (drug targets and approved indications as
in DrugBank/ChEMBL, gene–disease links as in OMIM/Open Targets, Reactome pathways); a
test fixture, not a reference. Run once; the TSVs are committed.
"""

import csv
from pathlib import Path

HERE = Path(__file__).parent

GENES = {
    "HGNC:3236": "EGFR", "HGNC:3430": "ERBB2", "HGNC:1097": "BRAF", "HGNC:6407": "KRAS",
    "HGNC:6840": "MAP2K1", "HGNC:6871": "MAPK1", "HGNC:8975": "PIK3CA", "HGNC:391": "AKT1",
    "HGNC:3942": "MTOR", "HGNC:9604": "PTGS1", "HGNC:9605": "PTGS2", "HGNC:3467": "ESR1",
    "HGNC:644": "AR", "HGNC:11998": "TP53", "HGNC:76": "ABL1", "HGNC:1014": "BCR",
    "HGNC:6342": "KIT", "HGNC:8803": "PDGFRA", "HGNC:12680": "VEGFA", "HGNC:6307": "KDR",
    "HGNC:5006": "HMGCR", "HGNC:9236": "PPARG", "HGNC:6091": "INSR", "HGNC:3009": "DPP4",
    "HGNC:11050": "SLC6A4", "HGNC:3023": "DRD2", "HGNC:5293": "HTR2A", "HGNC:2707": "ACE",
    "HGNC:336": "AGTR1", "HGNC:285": "ADRB1", "HGNC:286": "ADRB2", "HGNC:2396": "CYP19A1",
    "HGNC:6192": "JAK1", "HGNC:6193": "JAK3", "HGNC:2434": "DHFR", "HGNC:613": "APP",
    "HGNC:2098": "ACHE", "HGNC:6547": "LDLR", "HGNC:11892": "TNF", "HGNC:6018": "IL6",
    "HGNC:1100": "BRCA1", "HGNC:6932": "TCF7L2", "HGNC:9588": "PTEN", "HGNC:583": "APC",
}
PATHWAYS = {
    "REACT:R-HSA-5673001": "RAF/MAP kinase cascade",
    "REACT:R-HSA-177929": "Signaling by EGFR",
    "REACT:R-HSA-1257604": "PIP3 activates AKT signaling",
    "REACT:R-HSA-74752": "Signaling by Insulin receptor",
    "REACT:R-HSA-2162123": "Synthesis of Prostaglandins (PG) and Thromboxanes (TX)",
    "REACT:R-HSA-8939211": "ESR-mediated signaling",
    "REACT:R-HSA-191273": "Cholesterol biosynthesis",
    "REACT:R-HSA-194138": "Signaling by VEGF",
    "REACT:R-HSA-112316": "Neuronal System",
    "REACT:R-HSA-6785807": "Interleukin-4 and Interleukin-13 signaling",
    "REACT:R-HSA-2990846": "SUMOylation",
}
PATHWAY_GENES = {
    "REACT:R-HSA-5673001": ["BRAF", "KRAS", "MAP2K1", "MAPK1", "EGFR", "ERBB2"],
    "REACT:R-HSA-177929": ["EGFR", "KRAS", "PIK3CA", "MAPK1"],
    "REACT:R-HSA-1257604": ["PIK3CA", "AKT1", "MTOR", "PTEN", "ERBB2", "KIT", "PDGFRA"],
    "REACT:R-HSA-74752": ["INSR", "PIK3CA", "AKT1", "KRAS"],
    "REACT:R-HSA-2162123": ["PTGS1", "PTGS2"],
    "REACT:R-HSA-8939211": ["ESR1", "CYP19A1", "AKT1"],
    "REACT:R-HSA-191273": ["HMGCR", "LDLR"],
    "REACT:R-HSA-194138": ["VEGFA", "KDR", "PIK3CA", "AKT1"],
    "REACT:R-HSA-112316": ["SLC6A4", "DRD2", "HTR2A", "ACHE"],
    "REACT:R-HSA-6785807": ["JAK1", "JAK3", "IL6", "TNF"],
    "REACT:R-HSA-2990846": ["TP53", "AR", "ESR1"],
}
DISEASES = {
    "MONDO:0005148": "type 2 diabetes mellitus", "MONDO:0005044": "hypertensive disorder",
    "MONDO:0007254": "breast cancer", "MONDO:0005233": "non-small cell lung carcinoma",
    "MONDO:0011996": "chronic myelogenous leukemia", "MONDO:0005105": "melanoma",
    "MONDO:0005575": "colorectal cancer", "MONDO:0008383": "rheumatoid arthritis",
    "MONDO:0002009": "major depressive disorder", "MONDO:0005090": "schizophrenia",
    "MONDO:0004975": "Alzheimer disease", "MONDO:0005010": "coronary artery disorder",
    "MONDO:0008315": "prostate cancer", "MONDO:0004979": "asthma",
    "MONDO:0011122": "obesity disorder", "MONDO:0004992": "cancer",
    "MONDO:0005068": "myocardial infarction", "MONDO:0005277": "migraine disorder",
    "MONDO:0005301": "multiple sclerosis", "MONDO:0007915": "systemic lupus erythematosus",
}
DISEASE_PARENT = {d: "MONDO:0004992" for d in (
    "MONDO:0007254", "MONDO:0005233", "MONDO:0011996", "MONDO:0005105", "MONDO:0005575",
    "MONDO:0008315")}
GENE_DISEASE = {
    "MONDO:0005148": ["PPARG", "TCF7L2", "INSR", "DPP4"],
    "MONDO:0005044": ["ACE", "AGTR1", "ADRB1"],
    "MONDO:0007254": ["ERBB2", "ESR1", "BRCA1", "PIK3CA", "TP53", "CYP19A1"],
    "MONDO:0005233": ["EGFR", "KRAS", "TP53", "BRAF"],
    "MONDO:0011996": ["ABL1", "BCR"],
    "MONDO:0005105": ["BRAF", "MAP2K1", "PTEN", "KIT"],
    "MONDO:0005575": ["APC", "KRAS", "TP53", "BRAF", "EGFR"],
    "MONDO:0008383": ["TNF", "IL6", "JAK1", "PTGS2"],
    "MONDO:0002009": ["SLC6A4", "HTR2A"],
    "MONDO:0005090": ["DRD2", "HTR2A"],
    "MONDO:0004975": ["APP", "ACHE"],
    "MONDO:0005010": ["LDLR", "HMGCR", "ACE"],
    "MONDO:0008315": ["AR", "PTEN", "TP53"],
    "MONDO:0004979": ["ADRB2", "IL6"],
    "MONDO:0011122": ["INSR", "PPARG"],
    "MONDO:0005068": ["LDLR", "PTGS1"],
    "MONDO:0005277": ["HTR2A", "PTGS2"],
    "MONDO:0005301": ["TNF", "IL6"],
    "MONDO:0007915": ["TNF", "JAK1"],
}
# id, name, xref, [(target, direction)], [indications]
D, U = "decreased", "increased"
DRUGS = [
    ("CHEBI:6801", "metformin", "DRUGBANK:DB00331", [("INSR", U)], ["MONDO:0005148"]),
    ("CHEBI:40237", "sitagliptin", "", [("DPP4", D)], ["MONDO:0005148"]),
    ("CHEBI:8228", "pioglitazone", "", [("PPARG", U)], ["MONDO:0005148"]),
    ("CHEBI:50122", "rosiglitazone", "", [("PPARG", U)], ["MONDO:0005148"]),
    ("CHEBI:43755", "lisinopril", "", [("ACE", D)], ["MONDO:0005044", "MONDO:0005068"]),
    ("CHEBI:3380", "captopril", "", [("ACE", D)], ["MONDO:0005044"]),
    ("CHEBI:6541", "losartan", "", [("AGTR1", D)], ["MONDO:0005044"]),
    ("CHEBI:2904", "atenolol", "", [("ADRB1", D)], ["MONDO:0005044", "MONDO:0005010"]),
    ("CHEBI:6904", "metoprolol", "", [("ADRB1", D)],
     ["MONDO:0005044", "MONDO:0005068", "MONDO:0005277"]),
    ("CHEBI:41774", "tamoxifen", "", [("ESR1", D)], ["MONDO:0007254"]),
    ("CHEBI:6413", "letrozole", "", [("CYP19A1", D)], ["MONDO:0007254"]),
    ("CHEBI:49603", "lapatinib", "", [("ERBB2", D), ("EGFR", D)], ["MONDO:0007254"]),
    ("DRUGBANK:DB00072", "trastuzumab", "", [("ERBB2", D)], ["MONDO:0007254"]),
    ("CHEBI:49668", "gefitinib", "", [("EGFR", D)], ["MONDO:0005233"]),
    ("CHEBI:114785", "erlotinib", "", [("EGFR", D)], ["MONDO:0005233"]),
    ("CHEBI:90943", "osimertinib", "", [("EGFR", D)], ["MONDO:0005233"]),
    ("CHEBI:45783", "imatinib", "", [("ABL1", D), ("KIT", D), ("PDGFRA", D)],
     ["MONDO:0011996"]),
    ("CHEBI:49375", "dasatinib", "", [("ABL1", D), ("KIT", D)], ["MONDO:0011996"]),
    ("CHEBI:52172", "nilotinib", "", [("ABL1", D), ("KIT", D), ("PDGFRA", D)],
     ["MONDO:0011996"]),
    ("CHEBI:63637", "vemurafenib", "", [("BRAF", D)], ["MONDO:0005105"]),
    ("CHEBI:75045", "dabrafenib", "", [("BRAF", D)], ["MONDO:0005105", "MONDO:0005233"]),
    ("CHEBI:75998", "trametinib", "", [("MAP2K1", D)], ["MONDO:0005105", "MONDO:0005233"]),
    ("DRUGBANK:DB00002", "cetuximab", "", [("EGFR", D)], ["MONDO:0005575"]),
    ("DRUGBANK:DB00112", "bevacizumab", "", [("VEGFA", D)],
     ["MONDO:0005575", "MONDO:0005233"]),
    ("CHEBI:50924", "sorafenib", "", [("BRAF", D), ("KDR", D), ("PDGFRA", D)], []),
    ("CHEBI:38940", "sunitinib", "", [("KDR", D), ("KIT", D), ("PDGFRA", D)], []),
    ("CHEBI:68478", "everolimus", "", [("MTOR", D)], ["MONDO:0007254"]),
    ("CHEBI:41423", "celecoxib", "", [("PTGS2", D)], ["MONDO:0008383"]),
    ("CHEBI:5855", "ibuprofen", "", [("PTGS1", D), ("PTGS2", D)],
     ["MONDO:0008383", "MONDO:0005277"]),
    ("CHEBI:15365", "aspirin", "", [("PTGS1", D), ("PTGS2", D)],
     ["MONDO:0005068", "MONDO:0005010", "MONDO:0005277"]),
    ("CHEBI:44185", "methotrexate", "", [("DHFR", D)], ["MONDO:0008383", "MONDO:0007915"]),
    ("CHEBI:71200", "tofacitinib", "", [("JAK1", D), ("JAK3", D)], ["MONDO:0008383"]),
    ("CHEBI:5118", "fluoxetine", "", [("SLC6A4", D)], ["MONDO:0002009"]),
    ("CHEBI:9123", "sertraline", "", [("SLC6A4", D)], ["MONDO:0002009"]),
    ("CHEBI:5613", "haloperidol", "", [("DRD2", D)], ["MONDO:0005090"]),
    ("CHEBI:8871", "risperidone", "", [("DRD2", D), ("HTR2A", D)], ["MONDO:0005090"]),
    ("CHEBI:53289", "donepezil", "", [("ACHE", D)], ["MONDO:0004975"]),
    ("CHEBI:39548", "atorvastatin", "", [("HMGCR", D)], ["MONDO:0005010", "MONDO:0005068"]),
    ("CHEBI:9150", "simvastatin", "", [("HMGCR", D)], ["MONDO:0005010"]),
    ("CHEBI:68534", "enzalutamide", "", [("AR", D)], ["MONDO:0008315"]),
    ("CHEBI:3090", "bicalutamide", "", [("AR", D)], ["MONDO:0008315"]),
    ("CHEBI:2549", "salbutamol", "", [("ADRB2", U)], ["MONDO:0004979"]),
]
NAME_TO_GENE = {name: curie for curie, name in GENES.items()}


def main() -> None:
    with open(HERE / "nodes.tsv", "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["id", "category", "name", "xref"])
        for curie, name in GENES.items():
            out.writerow([curie, "biolink:Gene", name, ""])
        for curie, name in PATHWAYS.items():
            out.writerow([curie, "biolink:Pathway", name, ""])
        for curie, name in DISEASES.items():
            out.writerow([curie, "biolink:Disease", name, ""])
        for curie, name, xref, _, _ in DRUGS:
            out.writerow([curie, "biolink:SmallMolecule" if curie.startswith("CHEBI")
                          else "biolink:Drug", name, xref])
    with open(HERE / "edges.tsv", "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["subject", "predicate", "object", "object_direction_qualifier",
                      "primary_knowledge_source", "derived_from"])
        for curie, _, _, targets, indications in DRUGS:
            for gene, direction in targets:
                out.writerow([curie, "biolink:affects", NAME_TO_GENE[gene], direction,
                              "infores:drugbank", ""])
            for disease in indications:
                out.writerow([curie, "biolink:treats", disease, "", "infores:drugcentral", ""])
                if disease in DISEASE_PARENT:  # propagated up the disease hierarchy
                    parent = DISEASE_PARENT[disease]
                    out.writerow([curie, "biolink:treats", parent, "", "infores:kgtwin-test",
                                  f"{curie} biolink:treats {disease}"])
        for disease, genes in GENE_DISEASE.items():
            for gene in genes:
                out.writerow([NAME_TO_GENE[gene], "biolink:gene_associated_with_condition",
                              disease, "", "infores:omim", ""])
        for pathway, genes in PATHWAY_GENES.items():
            for gene in genes:
                out.writerow([NAME_TO_GENE[gene], "biolink:participates_in", pathway, "",
                              "infores:reactome", ""])
        for child, parent in DISEASE_PARENT.items():
            out.writerow([child, "biolink:subclass_of", parent, "", "infores:mondo", ""])
        # the same indications again from a second source, stated the other way round
        for curie, _, _, _, indications in DRUGS[:12]:
            for disease in indications[:1]:
                out.writerow([disease, "biolink:treated_by", curie, "", "infores:ctd", ""])


if __name__ == "__main__":
    main()
