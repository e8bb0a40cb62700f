"""BRAF model (Béal et al. 2021): melanoma-like vs colorectal-like response, printed.

The numbers behind the scientific checks in tests/twin/test_response.py, including the
one the generic model does not reproduce (colorectal responding less than melanoma to a
BRAF inhibitor alone). Change in mean Proliferation (treated - untreated) with 95 % CI.

    python benchmarks/twin_braf_response.py [--trajectories 5000] [--egfr-z 0]
"""

from __future__ import annotations

import argparse

from kgtwin.twin.models import published_model
from kgtwin.twin.profile import Mutation, PatientProfile, personalise
from kgtwin.twin.response import Drug, rank_treatments
from kgtwin.twin.simulate import SimulationSettings

BRAFI = Drug(name="vemurafenib", targets=("BRAF",), id="CHEBI:63637")
MEKI = Drug(name="trametinib", targets=("MAP2K1", "MAP2K2"))
EGFRI = Drug(name="cetuximab", targets=("EGFR",))
PLAN = [(BRAFI,), (MEKI,), (EGFRI,), (BRAFI, EGFRI)]
MEDIUM = {"EGF": True, "HGF": False, "FGF": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=5000)
    parser.add_argument("--strength", type=float, default=1.0, help="BRAF inhibitor strength")
    parser.add_argument(
        "--egfr-z",
        type=float,
        default=0.0,
        help="EGFR expression z-score: +z in colorectal, -z in melanoma (0: no expression)",
    )
    args = parser.parse_args()
    settings = SimulationSettings(trajectories=args.trajectories, max_time=50, seed=2)
    model = published_model("BRAF_Model")
    plan = [
        tuple(
            Drug(name=d.name, targets=d.targets, strength=args.strength) if d is BRAFI else d
            for d in t
        )
        for t in PLAN
    ]
    cases = [
        ("melanoma BRAF V600E", True, True, -args.egfr_z),
        ("colorectal BRAF V600E", True, False, args.egfr_z),
        ("melanoma BRAF wild type", False, True, -args.egfr_z),
        ("colorectal BRAF wild type", False, False, args.egfr_z),
    ]
    print(
        f"{args.trajectories} cells per run, t=50, medium {MEDIUM}; "
        f"BRAF inhibitor strength {args.strength}"
    )
    for label, mutant, sox10, egfr in cases:
        profile = PatientProfile(
            id=label,
            mutations=(Mutation(gene="BRAF", variant="V600E"),) if mutant else (),
            node_states={**MEDIUM, "SOX10": sox10},
            expression={"EGFR": egfr} if egfr else {},
        )
        ranked = {r.label: r for r in rank_treatments(personalise(model, profile), plan, settings)}
        first = next(iter(ranked.values())).readouts[0]
        print(f"\n{label}: untreated Proliferation {first.untreated:.3f}")
        for name in (" + ".join(d.name for d in t) for t in plan):
            p = ranked[name].readouts[0]
            print(
                f"  {name:<26} change {p.change:+.3f}  [{p.low:+.3f}, {p.high:+.3f}]"
                f"  score {ranked[name].score:+.3f}"
            )


if __name__ == "__main__":
    main()
