"""The notebook API `enchanted_surrogates.run(...)` and the supervisor's modes and budgets."""

from __future__ import annotations

import json

import pytest
from campaign_configs import basic_config
from es_test_plugins import OriginalStyleSampler, RecordingLearner

import enchanted_surrogates
from enchanted_surrogates import CampaignRefused, ConfigError

pytestmark = pytest.mark.integration


def test_run_accepts_a_dict_and_returns_the_dataset_in_column_order(tmp_path):
    config = basic_config(tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x", "y"]})
    df = enchanted_surrogates.run(config)
    assert len(df) == 8
    assert list(df.columns) == [
        "x",
        "y",
        "output",
        "success",
        "status",
        "error",
        "success_r1",
        "runtime_sec_r1",
        "cpu_sec_r1",
        "max_rss_mb_r1",
        "run_dir",
    ]
    assert (df["output"] - (df["x"] + df["y"])).abs().max() < 1e-12
    assert (tmp_path / "c" / "config" / "config.yaml").exists()


def test_run_raises_config_error_and_refuses_non_empty_dir(tmp_path):
    bad = basic_config(tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]})
    bad["samplers"]["s1"]["budjet"] = 3
    with pytest.raises(ConfigError) as info:
        enchanted_surrogates.run(bad)
    assert "did you mean 'budget'" in str(info.value)
    assert not (tmp_path / "c").exists()

    good = basic_config(tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]})
    enchanted_surrogates.run(good)
    with pytest.raises(CampaignRefused):
        enchanted_surrogates.run(good)
    assert len(enchanted_surrogates.run(good, force=True)) == 8


def test_batch_mode_clips_the_last_partial_batch(tmp_path):
    sampler = {
        "type": "RandomSampler",
        "parameters": ["x"],
        "bounds": [[0, 1]],
        "budget": 10,
        "batch_size": 4,
        "seed": 1,
    }
    config = basic_config(
        tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]}, sampler, mode="batch"
    )
    df = enchanted_surrogates.run(config)
    assert len(df) == 10
    names = sorted(p.split("/")[-1] for p in df["run_dir"])
    assert names == sorted(
        [f"d0_b0_s{i}_r0" for i in range(4)]
        + [f"d0_b1_s{i}_r0" for i in range(4)]
        + ["d0_b2_s0_r0", "d0_b2_s1_r0"]
    )


def test_async_mode_never_runs_more_than_the_budget(tmp_path):
    sampler = {
        "type": "SobolSequenceSampler",
        "parameters": ["x"],
        "bounds": [[0, 1]],
        "budget": 37,
        "seed": 5,
    }
    config = basic_config(
        tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]}, sampler, mode="async"
    )
    df = enchanted_surrogates.run(config)
    assert len(df) == 37 and df["x"].nunique() == 37
    events = [json.loads(x) for x in (tmp_path / "c" / "journal.jsonl").read_text().splitlines()]
    assert sum(e["event"] == "submitted" for e in events) == 37


def test_sampler_written_for_the_original_api_runs_in_batches(tmp_path):
    sampler = {
        "type": "es_test_plugins:OriginalStyleSampler",
        "bounds": [[0, 1]],
        "budget": 7,
        "parameters": ["x"],
        "batch_size": 3,
    }
    config = basic_config(tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]}, sampler)
    df = enchanted_surrogates.run(config)
    assert len(df) == 7
    # register_future received the growing dataset after each batch, as in the original
    assert OriginalStyleSampler.seen_dataset_sizes == [3, 6, 7]


def test_learning_sampler_in_async_mode_is_told_each_result_as_it_arrives(tmp_path):
    sampler = {"type": "es_test_plugins:RecordingLearner", "parameters": ["x"], "budget": 6}
    config = basic_config(
        tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]}, sampler, mode="async"
    )
    df = enchanted_surrogates.run(config)
    assert len(df) == 6
    assert RecordingLearner.told_batches == [1] * 6


def test_learning_sampler_defaults_to_batch_mode(tmp_path):
    sampler = {
        "type": "es_test_plugins:RecordingLearner",
        "parameters": ["x"],
        "budget": 6,
        "batch_size": 4,
    }
    config = basic_config(tmp_path / "c", {"type": "SumRunner", "params_to_sum": ["x"]}, sampler)
    enchanted_surrogates.run(config)
    assert RecordingLearner.told_batches == [4, 2]


def test_header_grows_when_a_later_run_brings_new_outputs(tmp_path):
    # batch mode: the whole first batch fails, so its rows have no output column yet
    sampler = {
        "type": "ArraySampler",
        "parameters": ["x"],
        "values": [[0.9, 0.8, 0.1, 0.2]],
        "batch_size": 2,
    }
    config = basic_config(
        tmp_path / "c",
        {"type": "es_test_plugins:RaisingRunner", "threshold": 0.5},
        sampler,
        mode="batch",
    )
    df = enchanted_surrogates.run(config)
    assert list(df["status"]) == ["FAILED", "FAILED", "SUCCESS", "SUCCESS"]
    assert df["output"].isna().tolist() == [True, True, False, False]
    assert df.columns[-1] == "run_dir" and list(df.columns[:2]) == ["x", "output"]


def test_a_parquet_only_campaign_returns_its_dataset_from_the_parquet(tmp_path):
    config = basic_config(
        tmp_path / "c",
        {"type": "SumRunner", "params_to_sum": ["x"]},
        summary_datatype="parquet",
        save_files="none",
    )
    df = enchanted_surrogates.run(config)
    assert not (tmp_path / "c" / "enchanted_dataset.csv").exists()
    assert (tmp_path / "c" / "enchanted_dataset.parquet").exists()
    assert len(df) == 8 and df["success"].dtype == bool
    assert list((tmp_path / "c" / "data").iterdir()) == []
