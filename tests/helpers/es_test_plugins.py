"""Runners and samplers that misbehave on purpose, for campaign tests.

Importable by worker processes: the tests put this folder on sys.path / PYTHONPATH.
"""

from __future__ import annotations

import os

from enchanted_surrogates.runners.base_runner import Runner
from enchanted_surrogates.runners.command_runner import CommandRunner
from enchanted_surrogates.samplers.base import Sampler
from enchanted_surrogates.samplers.base_sampler import Sampler as LegacyBase

BUILDS_IN_THIS_PROCESS = 0


class RaisingRunner(Runner):
    """Raises for x above `threshold`, succeeds below."""

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        if params["x"] > self.threshold:
            raise ValueError(f"boom at x={params['x']}")
        return {"output": params["x"] * 2, "success": True}


class NoSuccessRunner(Runner):
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        return {"output": 1.0}


class PidRunner(Runner):
    """Reports which process ran it, which object, and how often this process built one;
    it declares itself reusable, so one instance per process serves every run."""

    reusable = True

    def __init__(self) -> None:
        global BUILDS_IN_THIS_PROCESS
        BUILDS_IN_THIS_PROCESS += 1

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        return {
            "pid": os.getpid(),
            "instance": id(self),
            "builds": BUILDS_IN_THIS_PROCESS,
            "success": True,
        }


class CrashRunner(Runner):
    """Kills its own worker process (like a segfault) at x == crash_at."""

    def __init__(self, crash_at: float = 0.0) -> None:
        self.crash_at = crash_at

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        if params["x"] == self.crash_at:
            os._exit(13)
        return {"output": params["x"], "success": True}


class OriginalStyleSampler(LegacyBase):
    """A sampler written for the original API: get_next_samples / register_future(df)."""

    seen_dataset_sizes: list[int] = []

    def __init__(self, bounds, budget, parameters, **kwargs):
        self.bounds = bounds
        self.budget = budget
        self.parameters = parameters
        self.batch_size = kwargs.get("batch_size", budget)
        self.submitted = 0
        type(self).seen_dataset_sizes = []

    def get_next_samples(self) -> list[dict]:
        batch = []
        for i in range(self.batch_size):
            low, high = self.bounds[0]
            value = low + (high - low) * (self.submitted + i) / max(self.budget, 1)
            batch.append({self.parameters[0]: value})
        self.submitted += len(batch)
        return batch

    def register_future(self, future) -> None:
        type(self).seen_dataset_sizes.append(len(future))


class RecordingLearner(Sampler):
    """A new-style learning sampler that records how results were told to it."""

    learns_from_results = True
    told_batches: list[int] = []

    def __init__(self, parameters: list[str], budget: int, batch_size: int = 1) -> None:
        super().__init__()
        self.parameters = parameters
        self.budget = budget
        self.batch_size = batch_size
        type(self).told_batches = []

    def propose(self, n: int) -> list[dict]:
        return [{self.parameters[0]: float(self.submitted + i)} for i in range(n)]

    def tell(self, results: list[dict]) -> None:
        type(self).told_batches.append(len(results))


class ParentReaderRunner(Runner):
    """Reports whether the parent's run directory (params['run_dir']) is still readable."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        parent_dir = params.get("run_dir", "")
        readable = os.path.exists(os.path.join(parent_dir, "enchanted_datapoint.csv"))
        return {"parent_dir": parent_dir, "parent_readable": readable, "success": True}


class SleepRunner(Runner):
    """Sleeps params['sleep'] seconds; for pipelining tests."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import time

        time.sleep(float(params.get("sleep", 0.0)))
        return {"slept": float(params.get("sleep", 0.0)), "success": True}


class CountingRunner(Runner):
    """Counts its invocations in its run dir (to prove a run is never repeated), sleeps a
    little, and adds x to the incoming output (so chained stages accumulate)."""

    def __init__(self, sleep: float = 0.005) -> None:
        self.sleep = sleep

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import time

        with open(os.path.join(run_dir, "invocations.txt"), "a") as handle:
            handle.write(f"{os.getpid()}\n")
        time.sleep(self.sleep)
        return {"output": float(params.get("output", 0.0)) + params["x"], "success": True}


class HangRunner(Runner):
    """Starts a grandchild process and hangs; records the grandchild's pid in its run dir."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import subprocess
        import time

        child = subprocess.Popen(["sleep", "300"])
        with open(os.path.join(run_dir, "grandchild.pid"), "w") as handle:
            handle.write(str(child.pid))
        time.sleep(300)
        return {"success": True}


class HogRunner(Runner):
    """Allocates `megabytes` of memory."""

    def __init__(self, megabytes: int = 2048) -> None:
        self.megabytes = megabytes

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        block = bytearray(self.megabytes * 1024 * 1024)
        return {"output": len(block), "success": True}


class SegfaultRunner(Runner):
    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)
        return {"success": True}


class FlakyRunner(Runner):
    """Crashes on the first attempt at a run, succeeds on the next (a marker file beside
    the run dir, since a retry starts from an emptied run dir)."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        from enchanted_surrogates.runs.errors import RunCrashed

        marker = os.path.normpath(run_dir) + ".tried"
        with open(os.path.join(run_dir, "attempts.log"), "a") as log:
            log.write("attempt\n")
        if not os.path.exists(marker):
            open(marker, "w").close()
            raise RunCrashed("first attempt crashes")
        return {"output": params["x"], "success": True}


class AbortingRunner(Runner):
    """Raises AbortCampaign for x above `above`."""

    def __init__(self, above: float = 0.5) -> None:
        self.above = above

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        from enchanted_surrogates.runs.errors import AbortCampaign

        if params["x"] > self.above:
            raise AbortCampaign("the licence server is gone")
        return {"output": params["x"], "success": True}


class LeakyRunner(Runner):
    """Tries every way to leak a secret: an output, an error message, a log line."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import logging

        from enchanted_surrogates.runs.secrets import secret

        token = secret("licence", "token")
        logging.getLogger("enchanted_surrogates.user").warning("using %s", token)
        if params["x"] > 0.5:
            raise RuntimeError(f"server rejected token {token}")
        return {"echo": f"token={token}", "output": params["x"], "success": True}


class LateCrashRunner(Runner):
    """At x == crash_at, kills its own worker after `delay` s; otherwise sleeps `delay` x 4
    and records each invocation in its run dir."""

    def __init__(self, crash_at: float = 0.0, delay: float = 0.3) -> None:
        self.crash_at = crash_at
        self.delay = delay

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import time

        if params["x"] == self.crash_at:
            time.sleep(self.delay)
            os._exit(13)
        with open(os.path.join(run_dir, "invocations.txt"), "a") as handle:
            handle.write("1\n")
        time.sleep(self.delay * 4)
        return {"output": params["x"], "success": True}


class LateWriterRunner(Runner):
    """Sleeps, then writes `late.txt` into its run dir: a stopped run must never get there."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import time

        with open(os.path.join(run_dir, "started.txt"), "w") as handle:
            handle.write(str(os.getpid()))
        time.sleep(float(params.get("sleep", 3.0)))
        with open(os.path.join(run_dir, "late.txt"), "w") as handle:
            handle.write("still running after the stop")
        return {"success": True}


class FileWriterRunner(Runner):
    """Writes out.dat, log.txt, scratch.tmp and sub/keep.h5 into its run dir; if its params
    carry an earlier run's run_dir (a parent or the previous stage), reports whether that
    run's scratch.tmp, a file save_files does not keep, can still be read. Fails (after
    writing) where x1 > `fail_above`."""

    def __init__(self, fail_above: float = 2.0) -> None:
        self.fail_above = fail_above

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        earlier = params.get("run_dir")
        readable = None
        if earlier:
            try:
                with open(os.path.join(earlier, "scratch.tmp")) as handle:
                    readable = handle.read() == "scratch"
            except OSError:
                readable = False
        os.makedirs(os.path.join(run_dir, "sub"), exist_ok=True)
        for name, text in [
            ("out.dat", "1 2 3"),
            ("log.txt", "log"),
            ("scratch.tmp", "scratch"),
            ("sub/keep.h5", "h5"),
        ]:
            with open(os.path.join(run_dir, name), "w") as handle:
                handle.write(text)
        ok = params.get("x1", 0.0) <= self.fail_above
        outputs = {"worked_in": os.path.abspath(run_dir), "success": ok}
        if readable is not None:
            outputs["earlier_readable"] = readable
        return outputs


class ThresholdRunner(Runner):
    """Fails for x1 > 0.6 (no outputs then); a bool output that failed rows lack."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        if params["x1"] > 0.6:
            return {"success": False, "error": "x1 too large"}
        return {
            "output": params["x1"] + params["x2"],
            "converged": params["x1"] < 0.3,
            "success": True,
        }


class GateRunner(Runner):
    """Waits until the file `gate` exists, then succeeds: lets a test hold a campaign open
    until it has seen what it waits for (a replaced batch job)."""

    def __init__(self, gate: str) -> None:
        self.gate = gate

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import time

        with open(os.path.join(run_dir, "started.txt"), "w") as handle:
            handle.write(str(os.getpid()))
        while not os.path.exists(self.gate):
            time.sleep(0.05)
        return {"output": params["x"], "success": True}


class HangAfterCommandRunner(CommandRunner):
    """A CommandRunner subclass whose own Python hangs after the program: its timeout
    must still hold, so it cannot be left to the program's wait."""

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        import time

        outputs = super().single_code_run(run_dir, params)
        if (params or {}).get("hang"):
            time.sleep(300)
        return outputs


def read_nothing(run_dir: str) -> dict:
    """A user's output reader (a `function` output entry) that reads no output."""
    return {}
