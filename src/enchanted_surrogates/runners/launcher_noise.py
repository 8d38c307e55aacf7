"""What MPI launchers add to stderr when a rank fails: their own report, not the reason.

Open MPI (mpirun, prterun) frames each of its messages between lines of dashes ("Primary
job terminated normally, but 1 process returned a non-zero exit code..."), srun adds
`srun: error: node: task 0: Exited with exit code 1`, and MPICH's mpiexec a box of `=`
lines. The same words follow every failure, so as an `error` cell they would make all
failures look alike; they are dropped before the program's own message is looked for.
"""

from __future__ import annotations

import re

RULE = re.compile(r"^-{10,}\s*$")
OPEN_MPI = re.compile(r"mpirun|prterun|mpiexec|Open MPI|MPI_ABORT|Primary job", re.IGNORECASE)
LINES = re.compile(
    r"^(srun: error: .*(Exited with exit code|Terminating|task)"
    r"|srun: (launch/slurm|Job step aborted)"
    r"|slurmstepd: error: \*\*\* STEP"
    r"|=+\s*$"
    r"|=\s+(BAD TERMINATION|PID \d+ RUNNING AT|EXIT CODE:|CLEANING UP|YOU CAN IGNORE))"
)


def without_launcher_noise(text: str) -> str:
    """`text` without Open MPI's framed reports and srun's and MPICH's exit lines."""
    kept: list[str] = []
    block: list[str] | None = None  # lines inside a dashed frame, until it closes
    for line in text.splitlines():
        if RULE.match(line):
            if block is not None and not OPEN_MPI.search("\n".join(block)):
                kept.extend(block)
            block = [] if block is None else None
            continue
        if block is not None:
            block.append(line)
        elif not LINES.match(line):
            kept.append(line)
    if block:  # a frame that never closed is the program's own text
        kept.extend(block)
    return "\n".join(kept)
