"""BatchExecutor config mistakes are config errors: one line per key path, exit 2, nothing
written (checked through the real CLI)."""

from __future__ import annotations

from campaign_configs import basic_config, write_config


def test_bad_batch_and_launcher_keys_are_one_line_each(tmp_path, enchanted):
    runner = {
        "type": "CommandRunner",
        "command": ["echo"],
        "launcher": {"type": "mpirun", "ranks": 0},
    }
    config = basic_config(tmp_path / "c", runner, progress_interval_sec=-1)
    config["executors"]["e1"] = {"type": "BatchExecutor", "job_script_text": "#!/bin/sh\necho\n"}
    config["executors"]["e2"] = {"type": "BatchExecutor", "job_script": str(tmp_path / "none")}
    result = enchanted("run", write_config(tmp_path / "c.yaml", config), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, result.stderr
    assert any("executors.e1: the job-script template has no {command}" in x for x in lines)
    assert any("executors.e2: cannot read the job script" in x for x in lines)
    assert any("runners.r1.launcher.ranks" in x for x in lines)
    assert any("supervisor.progress_interval_sec" in x for x in lines)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "c").exists()
