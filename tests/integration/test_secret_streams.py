"""A program that prints a secret leaves only *** in the captured streams, however it ends."""

from __future__ import annotations

import os

import pytest
from campaign_configs import basic_config, write_config

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-T0KEN-7777"


def _leaks(root) -> list[str]:
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                if SECRET.encode() in handle.read():
                    found.append(os.path.join(folder, name))
    return found


def test_a_timed_out_program_leaves_no_secret_in_its_streams(tmp_path, enchanted):
    secrets_file = tmp_path / "secrets.ini"
    secrets_file.write_text(f"[licence]\ntoken = {SECRET}\n")
    runner = {
        "type": "CommandRunner",
        "command": ["sh", "-c", 'echo "out $TOKEN"; echo "err $TOKEN" >&2; sleep 30'],
        "env": {"TOKEN": "{secrets.licence.token}"},
        "timeout": 1,
    }
    config = basic_config(tmp_path / "camp", runner, save_files="all")
    config["samplers"]["s1"]["budget"] = 2
    path = write_config(tmp_path / "c.yaml", config)
    done = enchanted("run", path, "--secrets", secrets_file, cwd=tmp_path)
    assert "TIMEOUT" in (tmp_path / "camp" / "enchanted_dataset.csv").read_text(), done.stderr
    streams = list((tmp_path / "camp").rglob("stdout.txt"))
    assert streams and all("out ***" in p.read_text() for p in streams)
    assert _leaks(tmp_path / "camp") == []
