"""What a batch job runs: one task from its batch dir, its RunResult written back beside it.

`python -m enchanted_surrogates.executors.batch_job BATCH_DIR` loads `task.pkl`, runs it
exactly as a pool worker would, and writes `result.pkl` atomically, so the supervisor sees
either a whole result or none.
"""

from __future__ import annotations

import os
import pickle
import sys

from enchanted_surrogates.executors.worker import run_task

TASK_FILE = "task.pkl"
RESULT_FILE = "result.pkl"


def main(batch_dir: str) -> int:
    with open(os.path.join(batch_dir, TASK_FILE), "rb") as handle:
        task = pickle.load(handle)
    result = run_task(task)
    partial = os.path.join(batch_dir, RESULT_FILE + ".part")
    with open(partial, "wb") as handle:
        pickle.dump(result, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, os.path.join(batch_dir, RESULT_FILE))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
