"""The keyword arguments of a dask-jobqueue cluster, checked at `validate` against the
class's own parameters, so a misspelt key or a YAML value of the wrong type (`on` read as
a boolean inside `job_script_prologue`) is a config error, not a failure in the batch job."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from enchanted_surrogates.config.errors import did_you_mean

# parameters that dask-jobqueue joins into the job script: every item must be a string
_STRING_LISTS = (
    "job_script_prologue",
    "job_extra_directives",
    "job_directives_skip",
    "worker_extra_args",
    "env_extra",
    "job_extra",
    "extra",
    "header_skip",
)
_STRINGS = ("queue", "project", "account", "walltime", "memory", "job_mem", "interface")


def jobqueue_problems(class_name: str, kwargs: dict[str, Any]) -> list[str]:
    """One message per problem, each starting with the key it is about."""
    module = importlib.import_module("dask_jobqueue")
    cluster = getattr(module, class_name)
    known = _parameters(cluster, cluster.job_cls)
    problems = []
    for key, value in kwargs.items():
        if key not in known:
            problems.append(f"{key}: not a {class_name} parameter{did_you_mean(key, known)}")
        elif key in _STRING_LISTS:
            items = value if isinstance(value, list) else None
            if items is None:
                problems.append(f"{key}: a list of strings, got {type(value).__name__}")
            for i, item in enumerate(items or []):
                if not isinstance(item, str):
                    problems.append(
                        f"{key}[{i}]: {item!r} is not a string (YAML read it as "
                        f"{type(item).__name__}); quote it"
                    )
        elif key in _STRINGS and value is not None and not isinstance(value, str):
            problems.append(f"{key}: {value!r} is not a string; quote it")
    return problems


def _parameters(*classes: type) -> list[str]:
    names: set[str] = set()
    for cls in classes:
        for klass in inspect.getmro(cls):
            init = klass.__dict__.get("__init__")
            if init is not None:
                names.update(inspect.signature(init).parameters)
    return sorted(names - {"self", "kwargs", "base_class_kwargs", "job_kwargs", "job_cls"})
