"""Sobol' indices of a Saltelli design, with bootstrap confidence intervals (SALib)."""

from __future__ import annotations

from typing import Any

import numpy as np

from enchanted_surrogates.analysis.design_blocks import complete_blocks

CONF_LEVEL = 0.95


def saltelli_indices(
    sampler: Any, usable: dict[int, float], resamples: int = 1000, seed: int = 1
) -> dict[str, Any]:
    """First-order and total indices per parameter from the design's complete blocks.

    Saltelli's estimators pair each base row with its D (or 2D) radial rows, so a failed
    run costs its whole block of D + 2 (2D + 2) rows: the estimate is then that of a design
    with fewer base samples, and the intervals widen accordingly.
    """
    from SALib.analyze import sobol

    # SALib seeds its bootstrap only for a non-zero seed; the same data must give the same
    # intervals, so 0 is never passed.
    seed = seed or 1
    cfg = sampler.config
    d = len(sampler.parameters)
    block = (2 * d + 2) if cfg.second_order else (d + 2)
    size = cfg.design_size()
    _, y, dropped = complete_blocks(usable, block, size)
    base = len(y) // block
    if base < 2:
        raise ValueError(f"only {base} complete base samples of {cfg.base_samples}; need 2")
    problem = {"num_vars": d, "names": sampler.parameters, "bounds": [[0.0, 1.0]] * d}
    result = sobol.analyze(
        problem,
        y,
        calc_second_order=cfg.second_order,
        num_resamples=resamples,
        conf_level=CONF_LEVEL,
        seed=seed,
    )
    indices = {
        name: {
            "S1": float(result["S1"][j]),
            "S1_conf": float(result["S1_conf"][j]),
            "ST": float(result["ST"][j]),
            "ST_conf": float(result["ST_conf"][j]),
        }
        for j, name in enumerate(sampler.parameters)
    }
    out: dict[str, Any] = {
        "method": "saltelli",
        "base_samples_used": base,
        "base_samples_designed": cfg.base_samples,
        "blocks_dropped": dropped,
        "confidence_level": CONF_LEVEL,
        "indices": indices,
    }
    if cfg.second_order:
        s2 = np.asarray(result["S2"])
        out["S2"] = {
            f"{a}:{b}": float(s2[i, j])
            for i, a in enumerate(sampler.parameters)
            for j, b in enumerate(sampler.parameters)
            if j > i
        }
    return out
