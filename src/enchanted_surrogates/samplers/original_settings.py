"""The original's spellings of the adaptive samplers' settings, mapped to the keys here.

Each mapped or dropped key gives one deprecation warning that names its replacement; the
config loader collects them as one line each (`enchanted validate` shows them).
"""

from __future__ import annotations

import warnings
from typing import Any

# the original named scikit-activeml pool classes; these are the same algorithms built in
QUERY_STRATEGIES = {
    "GreedySamplingTarget": "gsy",
    "GreedySamplingX": "gsx",
    "QueryByCommittee": "qbc",
    "ExpectedModelChangeMaximization": "skactiveml:ExpectedModelChangeMaximization",
}

ACQUISITIONS = {
    "LEI": "log_ei",
    "qLEI": "log_ei",
    "EI": "ei",
    "qEI": "ei",
    "UCB": "ucb",
    "qUCB": "ucb",
    "PI": "pi",
    "qPI": "pi",
}

PLOT = "run 'enchanted plot' on the finished campaign"
DROPPED_BO_KEYS = {
    "async_samp": "set 'mode: async' on the run_order entry (or supervisor.mode)",
    "parser": "the runner's row is the observation; name its column with 'target'",
    "parser_config": "the runner's row is the observation; name its column with 'target'",
    "base_run_dir": "resume and extend replay the campaign's journal",
    "dry_run": "run 'enchanted validate'",
    "verbose": "set 'logging: DEBUG'",
    "plot_GPR": PLOT,
    "plot_file": PLOT,
    "plot_frequency": PLOT,
    "plot_debug": PLOT,
    "plot_progress": PLOT,
    "plot_labels": PLOT,
    "GPR_plot_dim": PLOT,
    "fully_bayesian": "'model: gp' fits its hyperparameters by maximum likelihood",
    "covar_kernel": "'model: gp' chooses its kernel",
    "failure_prob_filter": "failed points are kept away from already",
}


def _warn(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=4)


def active_learning_keys(data: Any) -> Any:
    """An ActiveLearningSampler entry with the original's strategy names translated."""
    if not isinstance(data, dict):
        return data
    strategy = data.get("query_strategy")
    if isinstance(strategy, str) and strategy in QUERY_STRATEGIES:
        new = QUERY_STRATEGIES[strategy]
        _warn(f"query_strategy: {strategy} is the original's name; write {new}")
        data = {**data, "query_strategy": new}
    return data


def bayesian_optimization_keys(data: Any) -> Any:
    """A BayesianOptimizationSampler entry with the original's keys translated or dropped.

    The original maximised its observation, so a config in its spelling maximises here
    unless it sets `direction`.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if "acquisition_batch_size" in data:
        data.setdefault("batch_size", data.pop("acquisition_batch_size"))
        _warn("acquisition_batch_size is the original's spelling; write batch_size")
    if "acquisition_function" in data:
        old = data.pop("acquisition_function")
        new = ACQUISITIONS.get(old, old) if isinstance(old, str) else old
        data.setdefault("acquisition", new)
        direction = "" if "direction" in data else ", direction: maximize (as the original)"
        data.setdefault("direction", "maximize")
        _warn(
            f"acquisition_function: {old} is the original's spelling; write acquisition: "
            f"{new}{direction}"
        )
    observations = data.pop("observations", None)
    if isinstance(observations, list) and len(observations) == 1 and observations[0]:
        data.setdefault("target", observations[0])
        _warn(f"observations: [{observations[0]}] is the original's spelling; write target")
    elif observations is not None:
        data["observations"] = observations  # several summed: no equivalent, refused
    for key, replacement in DROPPED_BO_KEYS.items():
        if key in data:
            data.pop(key)
            _warn(f"{key} is ignored (deprecated): {replacement}")
    return data
