"""Credentials a code needs (licence server, database, remote machine), kept out of files.

`enchanted run CONFIG --secrets FILE` reads an INI or YAML file of sections and keys. The
values travel to the workers in memory only; runners read them with `secret(...)`, and
every error message, output string and captured stdout/stderr is passed through `redact`
before anything is written, so a value never reaches the journal, the dataset or a log.
"""

from __future__ import annotations

import configparser
import logging
from pathlib import Path
from typing import Any

import yaml

Secrets = dict[str, dict[str, str]]

_installed: Secrets = {}


class SecretsError(ValueError):
    """A secrets file that cannot be read, or a secret that is not there."""


def load_secrets(path: str | Path) -> Secrets:
    """Read `path` (INI, or YAML of sections mapping keys to values)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise SecretsError(f"{path}: cannot read the secrets file: {exc.strerror}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise SecretsError(f"{path}: expected sections, each a mapping of keys to values")
        return {str(s): {str(k): str(v) for k, v in keys.items()} for s, keys in data.items()}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise SecretsError(f"{path}: {exc.message.splitlines()[0]}") from None
    return {section: dict(parser[section]) for section in parser.sections()}


def install(secrets: Secrets) -> None:
    """Make `secrets` readable by `secret()` in this process (done by the worker), and
    redact them from every log record this process writes."""
    global _installed
    _installed = secrets
    if secrets:
        for handler in [logging.lastResort, *logging.getLogger().handlers]:
            if handler is not None and not any(
                isinstance(f, RedactFilter) for f in handler.filters
            ):
                handler.addFilter(RedactFilter())


class RedactFilter(logging.Filter):
    """Rewrites a log record's message with every installed secret replaced by ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _installed:
            record.msg = redact(record.getMessage())
            record.args = None
            detail = getattr(record, "detail", None)
            if isinstance(detail, str):
                record.detail = redact(detail)
        return True


def secret(section: str, key: str) -> str:
    """A secret's value, e.g. `secret("licence", "server")`."""
    try:
        return _installed[section][key]
    except KeyError:
        raise SecretsError(f"no secret '{section}.{key}' (pass --secrets FILE)") from None


def lookup(dotted: str) -> str:
    """`secret` for a dotted name: `lookup("licence.server")`."""
    section, _, key = dotted.partition(".")
    return secret(section, key)


def values() -> list[str]:
    """Every installed secret value (empty ones left out): what redaction looks for."""
    return [value for keys in _installed.values() for value in keys.values() if value]


def redact(value: Any) -> Any:
    """`value` with every installed secret replaced by ***; non-strings pass through."""
    if not isinstance(value, str) or not _installed:
        return value
    for secret_value in values():
        value = value.replace(secret_value, "***")
    return value
