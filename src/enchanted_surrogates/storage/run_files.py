"""What happens to a run directory's files: the save_files policy and local_storage staging.

Both act on one run directory at a time, when that run ends (or, if a later stage or a
child level may read it, when the supervisor knows no reader is left), so nothing ever
walks the data tree. Only paths inside a run directory are ever removed.

`local_storage` names node-local disk: a path, or an environment variable such as
`TMPDIR` (`TMPDIR`, `$TMPDIR` or `${TMPDIR}`), resolved on the worker, since a compute
node's TMPDIR is not the login node's. Runs execute in
`<local>/enchanted-<campaign>/<run name>/`; when a run ends its kept files move to
`base_run_dir/data/<run name>/`, and that is the `run_dir` in the dataset.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

DATAPOINT_FILE = "enchanted_datapoint.csv"
_ENV_NAME = re.compile(r"^(?:\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|([A-Z_][A-Z0-9_]*))$")


@dataclass(frozen=True)
class FilePolicy:
    save: str = "all"  # all | custom | none
    patterns: tuple[str, ...] = ()
    local_storage: str | None = None
    campaign_key: str = ""  # names this campaign's folder on the local disk

    def keeps(self, relative: str) -> bool:
        """Is this file (path relative to its run dir) kept under `custom`? A pattern
        matches its name, its path, or a folder it is in (`results` keeps results/*)."""
        parts = relative.split("/")
        candidates = {parts[-1]} | {"/".join(parts[: i + 1]) for i in range(len(parts))}
        return any(fnmatch.fnmatchcase(c, p) for c in candidates for p in self.patterns)

    @property
    def writes_datapoint(self) -> bool:
        """The one-row CSV is written only where it will be kept."""
        return self.save == "all" or (self.save == "custom" and self.keeps(DATAPOINT_FILE))

    def prune(self, run_dir: str | os.PathLike[str]) -> None:
        """Reduce a finished run's directory to what the policy keeps."""
        if self.save == "all":
            return
        if self.save == "none":
            shutil.rmtree(run_dir, ignore_errors=True)
            return
        root = Path(run_dir)
        for folder, dirs, files in os.walk(root, topdown=False):
            here = Path(folder)
            for name in [*files, *(d for d in dirs if (here / d).is_symlink())]:
                path = here / name
                if not self.keeps(path.relative_to(root).as_posix()):
                    path.unlink(missing_ok=True)
            if here != root:
                with contextlib.suppress(OSError):  # a folder still holding kept files
                    here.rmdir()


def names_variable(setting: str) -> bool:
    """`TMPDIR`, `$TMPDIR` and `${TMPDIR}` name a variable (a bare name only in capitals,
    as environment variables are written); anything else is a path."""
    return bool(_ENV_NAME.match(setting))


def resolved_on_worker(setting: str) -> bool:
    """Settings that depend on the environment are read where the run executes."""
    return "$" in setting or names_variable(setting)


def local_root(setting: str | None) -> Path | None:
    """The local disk a setting names, or None (no setting, or an unset variable)."""
    if not setting:
        return None
    match = _ENV_NAME.match(setting)
    if match:
        value = os.environ.get(match.group(1) or match.group(2))
        return Path(value) if value else None
    expanded = os.path.expanduser(os.path.expandvars(setting))
    return None if "$" in expanded else Path(expanded)


def campaign_folder(policy: FilePolicy | None) -> Path | None:
    """This campaign's folder on the local disk (as this process sees it), if any."""
    root = local_root(policy.local_storage) if policy else None
    return None if root is None or policy is None else root / f"enchanted-{policy.campaign_key}"


def work_dir(run_dir: str, policy: FilePolicy | None) -> str:
    """Where a run executes: on the local disk when one is set and present, else in place."""
    folder = campaign_folder(policy)
    return run_dir if folder is None else str(folder / os.path.basename(run_dir))


def finish_run_dir(run_dir: str, work: str, policy: FilePolicy | None, prune: bool) -> None:
    """Apply the policy now if no later run reads this directory; move staged files home.
    The campaign's local folder stays (other workers are creating run dirs in it); the
    supervisor removes it when the campaign ends."""
    if policy is not None and prune:
        policy.prune(work)
    if work == run_dir:
        return
    shutil.rmtree(run_dir, ignore_errors=True)  # an earlier attempt's files
    if os.path.isdir(work):
        shutil.move(work, run_dir)
