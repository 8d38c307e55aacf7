"""`enchanted validate` and `--help` import only what they need (issue 19 point 1, issue 17
point 6): scipy.stats and pandas each cost most of a second on a loaded machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "scipy.stats", "sklearn", "pyarrow", "tables", "h5py", "matplotlib")

PROBE = (
    f"HEAVY = {HEAVY!r}\n"
    + """
import contextlib, io, json, sys
from enchanted_surrogates.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "heavy": [m for m in HEAVY if m in sys.modules]}))
"""
)


def _heavy_modules_after(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "example", ["quickstart.yaml", "sequential.yaml", "nested.yaml", "many_runs.yaml"]
)
def test_validate_imports_no_dataset_or_stats_library(example: str) -> None:
    probe = _heavy_modules_after("validate", f"examples/{example}")
    assert probe == {"code": 0, "heavy": []}


def test_help_imports_no_heavy_library() -> None:
    assert _heavy_modules_after("--help") == {"code": 0, "heavy": []}


def test_lazy_sobol_and_lhs_designs_match_eager_scipy() -> None:
    """The design built on first use is the one scipy gives for the same seed."""
    from scipy.stats import qmc

    from enchanted_surrogates.samplers.latin_hypercube import LatinHypercubeSampler
    from enchanted_surrogates.samplers.sobol import SobolSequenceSampler

    bounds = [[0.0, 1.0], [0.0, 1.0]]
    sobol = SobolSequenceSampler(parameters=["a", "b"], bounds=bounds, budget=8, seed=3)
    expected = qmc.Sobol(d=2, scramble=True, rng=3).random_base2(3)
    assert [list(p.values()) for p in sobol.propose(8)] == expected.tolist()
    lhs = LatinHypercubeSampler(parameters=["a", "b"], bounds=bounds, budget=5, seed=3)
    expected = qmc.LatinHypercube(d=2, scramble=True, rng=3).random(5)
    assert [list(p.values()) for p in lhs.propose(5)] == expected.tolist()


def test_run_of_a_csv_campaign_imports_no_pandas_or_scipy(tmp_path: Path) -> None:
    """`enchanted run` leaves the dataset on disk: a uniform random campaign writing only
    CSV (`runs.h5`, written by default, is turned off) needs neither pandas nor scipy, and
    each costs up to a second of start-up."""
    config = tmp_path / "c.yaml"
    config.write_text(
        "executors: {local: {type: LocalExecutor, max_workers: 2}}\n"
        "samplers: {random: {type: RandomSampler, parameters: [x, y],"
        " bounds: [[0, 1], [0, 1]], budget: 20, seed: 0}}\n"
        "runners: {dg: {type: SyntheticDoubleGaussianRunner}}\n"
        f"supervisor: {{base_run_dir: {tmp_path / 'runs'},"
        " run_order: [{sampler: random, executor: local, runner: dg}]}\n"
        "storage: {type: None}\n"
    )
    probe = _heavy_modules_after("run", str(config), "-q")
    assert probe == {"code": 0, "heavy": []}
    assert len((tmp_path / "runs" / "enchanted_dataset.csv").read_text().splitlines()) == 21


def test_runs_h5_imports_pandas_in_the_background_not_when_opened(tmp_path: Path) -> None:
    """Opening `runs.h5` does not wait for pandas (~0.3 s, before the first run) nor
    PyTables (~35 ms), nor leaves them to the first block (at the end of most campaigns,
    after the last run): a thread imports them meanwhile. Here that import is held until
    the file has opened."""
    script = f"""
import json, sys, threading
held = threading.Event()
importers = []
class Hold:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            importers.append(threading.current_thread().name)
            held.wait(5)
        return None
sys.meta_path.insert(0, Hold())
from enchanted_surrogates.storage.columns import ColumnOrder
from enchanted_surrogates.storage.hdf5_dataset import Hdf5Dataset
writer = Hdf5Dataset({str(tmp_path / "runs.h5")!r}, ColumnOrder(["x"], ["y"]))
opened_while_held = not held.is_set()
tables_at_open = "tables" in sys.modules
held.set()
writer.append({{"x": 1.0, "y": 2.0}})
writer.close()
print(json.dumps([opened_while_held, tables_at_open, importers]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, False, ["import-pandas"]]
    import pandas as pd

    (row,) = pd.read_hdf(tmp_path / "runs.h5").to_dict("records")
    assert (row["x"], row["y"]) == (1.0, 2.0)
