"""A base_run_dir that cannot be written is one line and exit 2, for validate and run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from campaign_configs import basic_config, double_gaussian_config, write_config

pytestmark = pytest.mark.integration


@pytest.fixture
def read_only_dir(tmp_path):
    """A real read-only file system (a tmpfs mounted ro); skipped where mounting fails."""
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def _check(enchanted, tmp_path: Path, base: Path, command: str, expected: str) -> None:
    path = write_config(tmp_path / "c.yaml", double_gaussian_config(base))
    before = sorted(p.name for p in tmp_path.iterdir())
    result = enchanted(command, path, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "supervisor.base_run_dir" in lines[0] and expected in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_regular_file_in_the_way(tmp_path, enchanted, command):
    (tmp_path / "afile").write_text("x")
    _check(enchanted, tmp_path, tmp_path / "afile" / "camp", command, "is not a directory")
    _check(enchanted, tmp_path, tmp_path / "afile", command, "is not a directory")


@pytest.mark.parametrize("command", ["validate", "run"])
def test_under_proc(tmp_path, enchanted, command):
    _check(enchanted, tmp_path, Path("/proc/camp"), command, "cannot write there")


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_read_only_file_system(tmp_path, enchanted, read_only_dir, command):
    _check(enchanted, tmp_path, read_only_dir / "camp", command, "Read-only file system")


@pytest.fixture
def small_disk(tmp_path):
    """A real 300 KiB tmpfs; skipped where mounting fails."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_ends_with_exit_5_and_one_line_naming_resume(tmp_path, enchanted, small_disk):
    config = double_gaussian_config(small_disk / "camp")
    config["samplers"]["s1"]["budget"] = 3000
    path = write_config(tmp_path / "c.yaml", config)
    result = enchanted("run", path, "-q", cwd=tmp_path, timeout=300)
    assert result.returncode == 5
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback on the console; main.log has it
    assert lines[0].startswith(f"error: disk full at {small_disk / 'camp'}")
    assert f"enchanted run {path} --resume" in lines[0]


def test_runs_hit_by_a_full_disk_are_redone_by_resume(tmp_path, enchanted, small_disk):
    """A program that cannot write its output fails; that is the disk's fault, so the run
    is left for `--resume` instead of being recorded FAILED for good."""
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"x" * 120_000)
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", "head -c 40000 /dev/zero > big.bin && echo done"],
    }
    config = basic_config(small_disk / "camp", runner)
    config["samplers"]["s1"]["budget"] = 5
    config["storage"] = {"type": "None"}  # the runs, not the dataset files, meet the full disk
    path = write_config(tmp_path / "c.yaml", config)
    result = enchanted("run", path, "-q", cwd=tmp_path, timeout=300)
    assert result.returncode == 5, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: disk full at "), result.stderr
    assert "FAILED" not in (small_disk / "camp" / "journal.jsonl").read_text()
    ballast.unlink()
    status = enchanted("status", small_disk / "camp", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    resumed = enchanted("run", path, "--resume", "-q", cwd=tmp_path, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    dataset = (small_disk / "camp" / "enchanted_dataset.csv").read_text().splitlines()
    assert len(dataset) == 6 and all(",SUCCESS," in row for row in dataset[1:]), dataset
