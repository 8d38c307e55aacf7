"""Morris elementary effects: mu*, mu and sigma per parameter (SALib)."""

from __future__ import annotations

from typing import Any

from enchanted_surrogates.analysis.design_blocks import complete_blocks


def morris_indices(
    sampler: Any, usable: dict[int, float], resamples: int = 1000, seed: int = 1
) -> dict[str, Any]:
    """mu* (mean absolute effect: importance), sigma (non-linearity or interactions).

    Effects are per step on the unit cube (probability space), so parameters with
    different units rank comparably. A trajectory with a missing run is dropped whole.
    """
    from SALib.analyze import morris

    d = len(sampler.parameters)
    kept, y, dropped = complete_blocks(usable, d + 1, sampler.config.trajectories * (d + 1))
    if len(y) < 2 * (d + 1):
        raise ValueError(f"only {len(y) // (d + 1)} complete trajectories; need 2")
    problem = {"num_vars": d, "names": sampler.parameters, "bounds": [[0.0, 1.0]] * d}
    result = morris.analyze(
        problem,
        sampler.unit[kept],
        y,
        num_resamples=resamples,
        num_levels=sampler.config.levels,
        seed=seed,
    )
    return {
        "method": "morris",
        "trajectories_used": len(y) // (d + 1),
        "trajectories_designed": sampler.config.trajectories,
        "blocks_dropped": dropped,
        "indices": {
            name: {
                "mu_star": float(result["mu_star"][j]),
                "mu_star_conf": float(result["mu_star_conf"][j]),
                "mu": float(result["mu"][j]),
                "sigma": float(result["sigma"][j]),
            }
            for j, name in enumerate(sampler.parameters)
        },
    }
