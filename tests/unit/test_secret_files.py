"""The bounded look for secrets in files a program wrote itself."""

from __future__ import annotations

import pytest

from enchanted_surrogates.runs import secret_files, secrets

TOKEN = "tok-123456"


@pytest.fixture
def installed():
    secrets.install({"licence": {"token": TOKEN}})
    yield
    secrets.install({})


def test_text_files_with_a_secret_are_found_binary_and_framework_files_are_not(tmp_path, installed):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "log.txt").write_text(f"key {TOKEN}\n")
    (tmp_path / "data.bin").write_bytes(b"\0" + TOKEN.encode())
    (tmp_path / "stdout.txt").write_text(TOKEN)  # the framework's own capture
    (tmp_path / "link.txt").symlink_to(tmp_path / "sub" / "log.txt")
    assert secret_files.files_with_secrets(str(tmp_path)) == [str(tmp_path / "sub" / "log.txt")]


def test_the_look_is_bounded_in_files_and_bytes(tmp_path, installed, monkeypatch):
    monkeypatch.setattr(secret_files, "MAX_FILES", 3)
    monkeypatch.setattr(secret_files, "MAX_BYTES", 100)
    for index in range(5):
        (tmp_path / f"f{index}.txt").write_text(TOKEN)
    (tmp_path / "big.txt").write_text("x" * 100 + TOKEN)
    assert secret_files.files_with_secrets(str(tmp_path)) == [
        str(tmp_path / f"f{index}.txt") for index in range(2)
    ]  # big.txt sorts first and holds the token only past the first 100 bytes


def test_without_secrets_nothing_is_read(tmp_path):
    (tmp_path / "notes.txt").write_text(TOKEN)
    assert secret_files.files_with_secrets(str(tmp_path)) == []
