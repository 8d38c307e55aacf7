"""libEnsemble's side of bench/heterogeneous.py: 2 local sim workers sleep the times in a
file, one per line.

    python bench/libe_sleep.py TIMES_FILE [--workers 2]

The generator runs on the manager (gen_on_manager) so that every worker runs sims, as the
campaign's workers do; it hands out the whole fixed list at once, so that both sides sleep
the same times in the same order.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from libensemble import Ensemble
from libensemble.specs import ExitCriteria, GenSpecs, LibeSpecs, SimSpecs
from naps import nap


def hand_out(H, persis_info, gen_specs, libE_info):
    """All the sleep times in one batch; libEnsemble stops asking once sim_max are given."""
    times = gen_specs["user"]["times"]
    out = np.zeros(len(times), dtype=gen_specs["out"])
    out["sleep"] = times
    return out, persis_info


def sleep_sim(H, persis_info, sim_specs, libE_info):
    """Sleep the point's time, the campaign runner's work."""
    out = np.zeros(1, dtype=sim_specs["out"])
    out["slept"] = nap(float(H["sleep"][0]))
    return out, persis_info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("times", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    times = [float(line) for line in args.times.read_text().split()]

    ensemble = Ensemble(
        libE_specs=LibeSpecs(comms="local", nworkers=args.workers, gen_on_manager=True),
        sim_specs=SimSpecs(sim_f=sleep_sim, inputs=["sleep"], outputs=[("slept", float)]),
        gen_specs=GenSpecs(gen_f=hand_out, outputs=[("sleep", float)], user={"times": times}),
        exit_criteria=ExitCriteria(sim_max=len(times)),
    )
    ensemble.run()
    slept = ensemble.H["slept"][ensemble.H["sim_ended"]]
    assert len(slept) == len(times) and np.isclose(slept.sum(), sum(times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
