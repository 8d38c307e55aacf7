"""A runner for any external program, described in the config instead of written in Python.

Per run: copy and link the declared files into the run directory, render the inputs,
start the program there (no shell unless asked for), capture its stdout/stderr (secrets
redacted as they are written), turn its exit into a status, and read the outputs.
"""

from __future__ import annotations

import os
import shutil
import string
import subprocess
from typing import Any

from enchanted_surrogates.executors import program_groups, program_limits
from enchanted_surrogates.parsers.optional import OptionalReader
from enchanted_surrogates.runners.base_runner import Runner
from enchanted_surrogates.runners.command_config import CommandConfig
from enchanted_surrogates.runners.command_entries import (
    BUILTIN_PARSERS,
    INPUT_PARSERS,
    OUTPUT_PARSERS,
    build_parser,
)
from enchanted_surrogates.runners.command_fill import SecretsLookup, ShellQuoting, fill
from enchanted_surrogates.runners.error_readers import (
    ErrorReader,
    declared_error,
)
from enchanted_surrogates.runners.placed_files import place
from enchanted_surrogates.runners.program_check import missing_program
from enchanted_surrogates.runners.program_exit import exit_error
from enchanted_surrogates.runs import secrets
from enchanted_surrogates.runs.errors import RunError
from enchanted_surrogates.runs.secret_streams import Capture


class CommandRunner(Runner):
    """Runs an external program once per point, in the point's run directory.

    A run with `timeout:` (and no `memory_limit:`) executes in the worker: the program's
    wait gets the time left and its whole process group is killed past it, and the rest
    of the run is bounded by SIGALRM (executors/program_limits.py). Otherwise the limits
    are those of a limited child per run, which the program inherits.
    """

    reusable = True  # keeps no per-run state in self

    Config = CommandConfig

    def __init__(self, **kwargs: Any) -> None:
        cfg = self.Config(**kwargs)
        self.command = [cfg.command] if isinstance(cfg.command, str) else list(cfg.command)
        self.shell = cfg.shell
        self.env = dict(cfg.env)
        self.copy_paths = cfg.copy_paths
        self.link_paths = cfg.link
        self.inputs = [build_parser(INPUT_PARSERS, entry) for entry in cfg.inputs]
        self.outputs = [build_parser(OUTPUT_PARSERS, entry) for entry in cfg.outputs]
        self.launcher = cfg.launcher
        self.errors = [ErrorReader(**entry.model_dump()) for entry in cfg.errors]

    @property
    def limits_its_program(self) -> bool:
        """Whether the run's timeout may be applied in the worker rather than in a limited
        child per run: true while only this class's code runs beside the program, so that
        a subclass's own Python or a user's output reader (`function`, a plugin) stays
        under the limits of the child."""
        cls = type(self)
        own = all(
            getattr(cls, name) is getattr(CommandRunner, name)
            for name in ("single_code_run", "_run", "_prepare", "_execute")
        )
        parsers = [
            p.reader if type(p) is OptionalReader else p for p in (*self.inputs, *self.outputs)
        ]
        return (
            own
            and all(type(p) in BUILTIN_PARSERS for p in parsers)
            and all(type(e) is ErrorReader for e in self.errors)
        )

    def validation_warnings(self) -> list[str]:
        """What `validate` should say about this entry beyond its errors."""
        missing = missing_program(self.command, self.shell)
        return [missing] if missing else []

    def single_code_run(self, run_dir: str, params: dict | None = None) -> dict:
        """Run the program for `params`; its outputs with `success`, or a RunError."""
        try:
            return self._run(os.path.abspath(run_dir), params or {})
        except RunError as exc:  # the message may quote the program's output
            exc.args = (secrets.redact(str(exc)),)
            raise

    def _run(self, run_dir: str, params: dict) -> dict:
        self._prepare(run_dir, params)
        context = {**params, "run_dir": run_dir}
        formatter = ShellQuoting() if self.shell else string.Formatter()
        argv = [fill(arg, context, "command", formatter) for arg in self.command]
        env_context = {**context, "secrets": SecretsLookup()}
        extra = {
            k: fill(v, env_context, f"env {k}", string.Formatter()) for k, v in self.env.items()
        }
        session = None
        if self.launcher is not None:
            argv = self.launcher.argv(argv)
            session = self.launcher.session_dir()
            extra = {**self.launcher.env(session), **extra}
        try:
            code = self._execute(
                " ".join(argv) if self.shell else argv, {**os.environ, **extra}, run_dir
            )
        finally:
            if session is not None:
                shutil.rmtree(session, ignore_errors=True)
        if code != 0:
            raise exit_error(code, run_dir, self.errors)
        declared = declared_error(run_dir, self.errors)
        if declared:  # many codes exit with 0 after printing their error
            raise RunError(declared)
        result: dict = {}
        for parser in self.outputs:
            result.update(parser.read_output(run_dir))
        return {"success": True, **result}

    def _prepare(self, run_dir: str, params: dict) -> None:
        """Copy, link and write the inputs; inputs last, so they win over a copied file."""
        context = {**params, "run_dir": run_dir}

        def fill_path(path: str, key: str) -> str:
            return fill(path, context, key, string.Formatter())

        try:
            place(self.copy_paths, self.link_paths, run_dir, fill_path)
        except OSError as exc:
            raise RunError(f"cannot prepare the run directory: {exc}") from None
        for parser in self.inputs:
            parser.write_input_file(params, run_dir)

    def _execute(self, args: list[str] | str, env: dict[str, str], run_dir: str) -> int:
        """Run the program to its end with stdout/stderr in files (redacted as they are
        written); its return code. Under the run's limits when the worker left them to
        this runner (see `limits_its_program`)."""
        own_group = program_limits.current() is not None
        program_limits.pause()  # an alarm inside Popen would lose the started program
        with Capture(run_dir) as capture:
            try:
                process = subprocess.Popen(
                    cwd=run_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    **capture.targets,
                    **program_groups.spawn_options(
                        args,
                        self.shell,
                        run_dir,
                        env,
                        own_group=own_group,
                    ),
                )
            except OSError as exc:
                program = args if isinstance(args, str) else args[0]
                raise RunError(f"cannot start {program!r}: {exc.strerror}") from None
            capture.started(process)
            with program_groups.tracked(process.pid) as group:
                code = program_limits.wait(process, lambda: program_groups.kill(group))
        program_limits.resume()  # the outputs are read within the run's deadline too
        return code
