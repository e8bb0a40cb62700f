"""The demo step on the real demo knowledge base (kgtwin/demo/knowledge)."""

from __future__ import annotations

from pathlib import Path

from kgtwin.demo import knowledge_config
from kgtwin.embed import demo_step, predictions_frame
from kgtwin.embed.demo import DEMO_CONFIG, summary_markdown
from kgtwin.sources import load_sources
from kgtwin.store import open_store


def test_demo_step_trains_evaluates_writes_back_and_plots(tmp_path):
    with open_store(tmp_path / "store") as store:
        list(load_sources(store, Path(str(knowledge_config()))))
        summary = demo_step(store, tmp_path / "out", config=DEMO_CONFIG, top_k=3)
        assert summary["split"]["test"] > 0 and summary["removed_for_leakage"] >= 0
        assert set(summary["drugs_for_held_out_indications"]) == {
            "model", "degree", "path_count", "metapath", "chance"}
        assert set(summary["beats"]) == {"degree", "path_count", "metapath", "chance"}
        assert summary["verdicts"]
        assert summary["predictions"][0]["disease"] == "MONDO:0005105"  # melanoma first
        written = predictions_frame(store, summary["model_id"])
        assert len(written) == summary["written"] == 3 * len(summary["predictions"])
    assert Path(summary["plot"]).stat().st_size > 1000
    text = "\n".join(summary_markdown(summary))
    assert summary["model_id"] in text and "degree" in text and "melanoma" in text
    assert (Path(summary["model_dir"]) / "weights.pt").exists()
