"""Configs in the original's format for the types the workflow tests do not run (adaptive
samplers, Dask on SLURM) validate unchanged, with one warning line per mapped key."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

RUNNER = """
runners:
  r1:
    type: SyntheticDoubleGaussianRunner
    dimensions: 1
    other_params: {}
supervisor:
  base_run_dir: runs/here
  run_order:
  - executor: e1
    sampler: s1
    runner: r1
"""

ACTIVE = """
executors:
  e1:
    type: LocalExecutor
samplers:
  s1:
    type: ActiveLearningSampler
    bounds: [[0.001, 1.0]]
    budget: 12
    batch_size: 3
    n_candidates: 500
    parameters: ['x']
    query_strategy: GreedySamplingTarget
"""

BAYES = """
executors:
  e1:
    type: LocalExecutor
samplers:
  s1:
    type: BayesianOptimizationSampler
    budget: 20
    acquisition_batch_size: 1
    bounds: [[0.001, 1.0]]
    parameters: ['x']
    dry_run: False
    parser: SyntheticDoubleGaussianParser
    verbose: True
    initial_samples: 3
    acquisition_function: LEI
    async_samp: True
    random_fraction: 0.3
    plot_GPR: True
    plot_file: True
"""

DASK_SLURM = """
executors:
  e1:
    type: DaskExecutor
    scale_n_jobs: 1
    SLURMcluster_config:
      queue: small
      account: project_0
      cores: 2
      processes: 1
      memory: 4GB
      walltime: '00:10:00'
samplers:
  s1:
    type: RandomSampler
    bounds: [[0.001, 1.0]]
    budget: 4
    parameters: ['x']
"""


@pytest.mark.parametrize(
    ("text", "warnings"),
    [(ACTIVE, 2), (BAYES, 9), (DASK_SLURM, 1)],
    ids=["active_learning", "bayesian_optimization", "dask_slurm"],
)
def test_original_config_validates_unchanged(tmp_path, enchanted, text, warnings):
    path = tmp_path / "config.yaml"
    path.write_text(text + RUNNER)
    done = enchanted("validate", path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == warnings and all(line.startswith("warning: ") for line in lines)
    assert "valid" in done.stdout and not (tmp_path / "runs").exists()
