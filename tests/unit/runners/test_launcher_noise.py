"""An MPI launcher's own report on stderr is not a run's error message."""

from __future__ import annotations

from enchanted_surrogates.runners.error_readers import meaningful_tail
from enchanted_surrogates.runners.launcher_noise import without_launcher_noise

RULE = "-" * 74
OPEN_MPI = f"""{RULE}
Primary job  terminated normally, but 1 process returned
a non-zero exit code. Per user-direction, the job has been aborted.
{RULE}
{RULE}
mpirun detected that one or more processes exited with non-zero status, thus causing
the job to be terminated. The first process to do so was:

  Process name: [[14964,1],0]
  Exit code:    1
{RULE}
"""
SRUN = """srun: error: node1: task 0: Exited with exit code 1
srun: launch/slurm: _step_signal: Terminating StepId=12.0
"""
MPICH = """
===================================================================================
=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES
=   PID 4242 RUNNING AT node1
=   EXIT CODE: 1
=   CLEANING UP REMAINING PROCESSES
=   YOU CAN IGNORE THE BELOW CLEANUP MESSAGES
===================================================================================
"""


def test_open_mpi_srun_and_mpich_reports_leave_nothing():
    for report in (OPEN_MPI, SRUN, MPICH):
        assert meaningful_tail(without_launcher_noise(report)) == ""


def test_the_programs_own_lines_and_framed_tables_stay():
    table = f"{RULE}\n step   energy\n 10     -3.2\n{RULE}\n"
    text = "Fatal: lattice vector 2 is zero\n" + OPEN_MPI + table + SRUN
    kept = meaningful_tail(without_launcher_noise(text))
    assert kept == "Fatal: lattice vector 2 is zero\n step   energy\n 10     -3.2"
