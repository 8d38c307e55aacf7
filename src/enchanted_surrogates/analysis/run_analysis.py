"""`analyse`: sensitivity indices, UQ moments and surrogate quality of a finished campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from enchanted_surrogates.analysis.campaign_data import LevelData, load_level
from enchanted_surrogates.analysis.morris_indices import morris_indices
from enchanted_surrogates.analysis.pce_indices import pce_indices
from enchanted_surrogates.analysis.report import write_report
from enchanted_surrogates.analysis.surrogates import (
    UnitTransform,
    fit_surrogate,
    learning_curve,
    still_improving,
    surrogate_indices,
)
from enchanted_surrogates.samplers.uq_extra import require


def design_estimate(data: LevelData, usable: dict[int, float]) -> dict[str, Any] | None:
    """The estimate the level's design was built for, or None for other designs."""
    from enchanted_surrogates.samplers.morris import MorrisSampler
    from enchanted_surrogates.samplers.pce import PCESampler
    from enchanted_surrogates.samplers.saltelli import SaltelliSampler

    if isinstance(data.sampler, SaltelliSampler):
        from enchanted_surrogates.analysis.sobol_indices import saltelli_indices

        return saltelli_indices(data.sampler, usable)
    if isinstance(data.sampler, MorrisSampler):
        return morris_indices(data.sampler, usable)
    if isinstance(data.sampler, PCESampler):
        return pce_indices(data.sampler, usable)
    return None


def analyse(
    base_run_dir: str | Path,
    level: int = 0,
    outputs: list[str] | None = None,
    surrogate: str | None = None,
    out: str | Path | None = None,
    save_surrogate: bool = False,
    plots: bool = True,
) -> dict[str, Any]:
    """Analyse one level of a campaign and write the report (default BASE/analysis).

    Per output (and per parent row for a nested level): the design's own estimate
    (Saltelli, Morris, PCE), and with `surrogate` (gp or pce) the indices of a surrogate
    fitted to the successful runs plus its k-fold learning curve. Failed runs are listed
    with what leaving them out did to the estimate.
    """
    require("SALib")
    data = load_level(base_run_dir, level)
    names = outputs or data.outputs()
    unknown = [o for o in names if o not in data.outputs()]
    if unknown:
        raise ValueError(f"output: no numeric output {', '.join(unknown)}; have {data.outputs()}")
    out_dir = Path(out) if out else Path(base_run_dir) / "analysis"
    results = []
    for parent in data.parents():
        frame = data.frame(parent)
        for output in names:
            usable, left_out = data.values(output, parent)
            result: dict[str, Any] = {
                "output": output,
                "parent": parent,
                "runs": len(usable) + len(left_out),
                "runs_used": len(usable),
                "left_out": left_out,
                "estimates": [],
            }
            estimate = design_estimate(data, usable)
            if estimate is not None:
                result["estimates"].append(estimate)
            if surrogate:
                ok = frame[frame["design_index"].isin(list(usable))]
                transform = UnitTransform.for_sampler(data.sampler, data.parameters, ok)
                model = fit_surrogate(surrogate, output, transform, ok)
                result["estimates"].append(surrogate_indices(model))
                curve = learning_curve(surrogate, transform.to_unit(ok), ok[output].to_numpy(float))
                result["surrogate"] = surrogate
                result["learning_curve"] = curve
                result["more_runs_would_help"] = still_improving(curve)
                if save_surrogate:
                    out_dir.mkdir(parents=True, exist_ok=True)
                    suffix = f"_p{parent}" if parent else ""
                    path = model.save(out_dir / f"surrogate_{output}{suffix}.pkl")
                    result["surrogate_file"] = str(path)
            result["effect_of_left_out"] = _effect(result, estimate)
            results.append(result)
    report = {
        "base_run_dir": str(base_run_dir),
        "level": level,
        "sampler": data.sampler_name,
        "design": type(data.sampler).__name__ if data.sampler is not None else None,
        "parameters": data.parameters,
        "results": results,
    }
    report["files"] = [str(p) for p in write_report(report, out_dir, plots=plots)]
    return report


def _effect(result: dict[str, Any], estimate: dict[str, Any] | None) -> str:
    """One sentence on what the left-out runs did to the estimate."""
    failed = len(result["left_out"])
    if not failed:
        return "no run was left out"
    text = f"{failed} of {result['runs']} runs left out (failed or without a finite value)"
    if estimate and estimate.get("blocks_dropped"):
        text += (
            f"; {len(estimate['blocks_dropped'])} whole design blocks dropped with them, so the "
            "design estimate rests on fewer base samples and its intervals are wider; if the "
            "failures depend on the inputs, the indices describe only the region that ran"
        )
    elif (
        estimate and estimate.get("fit") == "regression" and estimate.get("design") != "regression"
    ):
        text += "; the quadrature grid was incomplete, so the PCE was fitted by least squares"
    else:
        text += "; estimates use the remaining runs only"
    return text
