"""Compare the config a campaign started with and the one it is resumed with.

Changes that would make old and new rows disagree (parameters, bounds, seeds, sampler or
runner types, the shape of run_order) are refused; harmless ones (budgets, batch sizes,
executors and worker counts, file policies) are accepted and logged.
"""

from __future__ import annotations

from enchanted_surrogates.config.spec import CampaignSpec

HARMLESS_SAMPLER_KEYS = {"budget", "batch_size", "total_budget"}


def config_drift(old: CampaignSpec, new: CampaignSpec) -> tuple[list[str], list[str]]:
    """(refused, accepted) differences, one human-readable line each."""
    refused: list[str] = []
    accepted: list[str] = []
    if len(old.levels) != len(new.levels):
        refused.append(
            f"supervisor.run_order: {len(old.levels)} levels before, now {len(new.levels)}"
        )
        return refused, accepted
    for before, after in zip(old.levels, new.levels):
        where = f"supervisor.run_order[{before.index}]"
        if before.sampler.name != after.sampler.name:
            refused.append(
                f"{where}.sampler: was '{before.sampler.name}', now '{after.sampler.name}'"
            )
        if [r.name for r in before.runners] != [r.name for r in after.runners]:
            refused.append(f"{where}.runner: the stages changed")
        _compare_sampler(before.sampler, after.sampler, refused, accepted)
        for old_runner, new_runner in zip(before.runners, after.runners):
            path = f"runners.{new_runner.name}"
            if old_runner.cls is not new_runner.cls:
                refused.append(
                    f"{path}.type: was {old_runner.cls.__name__}, now {new_runner.cls.__name__}"
                )
            elif old_runner.options != new_runner.options:
                accepted.append(f"{path}: options changed; finished runs keep their results")
        if [e.options for e in before.executors] != [e.options for e in after.executors]:
            accepted.append(f"{where}.executor: executor settings changed")
    old_sup, new_sup = old.config.supervisor, new.config.supervisor
    if old_sup.nested_failed_parents != new_sup.nested_failed_parents:
        refused.append("supervisor.nested_failed_parents: changed")
    if old_sup.nested_parent_columns != new_sup.nested_parent_columns:  # would mix rows
        refused.append("supervisor.nested_parent_columns: changed")
    for key in ("save_files", "save_files_list", "summary_datatype", "local_storage", "mode"):
        if getattr(old_sup, key) != getattr(new_sup, key):
            accepted.append(f"supervisor.{key}: changed")
    return refused, accepted


def _compare_sampler(before, after, refused: list[str], accepted: list[str]) -> None:
    path = f"samplers.{after.name}"
    if before.cls is not after.cls:
        refused.append(f"{path}.type: was {before.cls.__name__}, now {after.cls.__name__}")
        return
    for key in sorted(set(before.options) | set(after.options)):
        old_value, new_value = before.options.get(key), after.options.get(key)
        if old_value == new_value:
            continue
        line = f"{path}.{key}: was {old_value!r}, now {new_value!r}"
        if key in HARMLESS_SAMPLER_KEYS:
            accepted.append(line)
        elif key == "seed" and new_value is None:
            continue  # the seed drawn at the start is reused from the journal
        else:
            refused.append(line)
