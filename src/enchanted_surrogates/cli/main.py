"""The `enchanted` command: run, validate, status, plot, export, rebuild, schema, init."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from enchanted_surrogates import __version__
from enchanted_surrogates.cli import analyse as analysis_command
from enchanted_surrogates.cli.exit_codes import EXIT_OK, EXIT_USAGE
from enchanted_surrogates.cli.init_project import TEMPLATES as TEMPLATE_NAMES
from enchanted_surrogates.config import ConfigError, load_spec
from enchanted_surrogates.config.relative_paths import enter_config_dir
from enchanted_surrogates.storage.base_run_dir_check import unwritable_reason


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enchanted",
        description="Sample a parameter space, run a code at every point, collect a dataset.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the campaign a config describes")
    run.add_argument("config", help="the campaign's YAML file")
    run.add_argument(
        "--force", action="store_true", help="delete a non-empty base_run_dir and start fresh"
    )
    run.add_argument("--base-run-dir", help="override supervisor.base_run_dir")
    modes = run.add_mutually_exclusive_group()
    modes.add_argument(
        "--resume",
        dest="run_mode",
        action="store_const",
        const="resume",
        help="continue the campaign in base_run_dir (run_mode: resume)",
    )
    modes.add_argument(
        "--extend",
        dest="run_mode",
        action="store_const",
        const="extend",
        help="run every sampler's budget again on top of what is recorded",
    )
    run.add_argument(
        "--retry-failed",
        nargs="*",
        metavar="STATUS",
        help="with --resume: run the recorded runs that ended with these statuses again, in "
        "place (default: FAILED CRASHED CANCELLED; also TIMEOUT, MEMOUT)",
    )
    run.add_argument(
        "--secrets",
        metavar="FILE",
        help="INI or YAML file of credentials for the runners; never written out",
    )
    verbosity = run.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="debug output")

    validate = commands.add_parser("validate", help="check a config and show what would run")
    validate.add_argument("config", help="the campaign's YAML file")

    rebuild = commands.add_parser("rebuild", help="rewrite the dataset files from the journal")
    rebuild.add_argument("base_run_dir", help="the campaign's base_run_dir")

    schema = commands.add_parser(
        "schema", help="the config's JSON Schema (for editors), or the Markdown reference"
    )
    schema.add_argument("--markdown", action="store_true", help="the config reference instead")
    schema.add_argument("-o", "--output", help="write to this file instead of stdout")

    init = commands.add_parser("init", help="write a commented starter config here")
    init.add_argument("--template", default="local", choices=sorted(TEMPLATE_NAMES))
    init.add_argument("-o", "--output", default="campaign.yaml", help="the config's file name")
    init.add_argument("--force", action="store_true", help="overwrite files that exist")

    plot = commands.add_parser("plot", help="PNG figures of a campaign's data (headless)")
    plot.add_argument("base_run_dir", help="the campaign's base_run_dir")
    plot.add_argument("-o", "--output", help="folder for the figures (default BASE_RUN_DIR/plots)")

    status = commands.add_parser(
        "status", help="how far a campaign is (safe while it runs), from its journal"
    )
    status.add_argument("base_run_dir", help="the campaign's base_run_dir")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument(
        "--watch",
        nargs="?",
        const=2.0,
        type=float,
        metavar="SECONDS",
        help="refresh every SECONDS (default 2) until the campaign stops; Ctrl-C to leave",
    )

    export = commands.add_parser(
        "export", help="write the dataset in another format, from the journal"
    )
    export.add_argument("base_run_dir", help="the campaign's base_run_dir")
    export.add_argument("--format", required=True, choices=["csv", "parquet", "hdf5"])
    export.add_argument(
        "-o", "--output", help="file to write (default: enchanted_dataset.<ext> or runs.h5 here)"
    )
    export.add_argument(
        "--successful-only", action="store_true", help="only rows whose runs succeeded"
    )
    export.add_argument("--columns", nargs="+", metavar="COLUMN", help="these columns, in order")
    analysis_command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # `type: my_module:MyRunner` next to where you run works as with `python -m`
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return _main(argv)
    except BrokenPipeError:  # `enchanted schema | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "rebuild":
        return _rebuild(args.base_run_dir)
    if args.command == "export":
        return _export(args)
    if args.command == "status":
        return _status(args)
    if args.command == "schema":
        return _schema(args)
    if args.command == "plot":
        return _plot(args)
    if args.command == "init":
        return _init(args)
    if args.command == "analyse":
        return analysis_command.run(args)
    if getattr(args, "base_run_dir", None):  # typed here: relative to here
        args.base_run_dir = os.path.abspath(args.base_run_dir)
    args.config = enter_config_dir(args.config)
    if args.command == "run":
        from enchanted_surrogates.executors.early_forkserver import start_early

        start_early(args.config)
    try:
        spec = load_spec(
            args.config,
            base_run_dir=getattr(args, "base_run_dir", None),
            run_mode=getattr(args, "run_mode", None),
        )
    except ConfigError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    reason = unwritable_reason(spec.base_run_dir)
    if reason:
        print(
            f"{spec.source}: supervisor.base_run_dir: {spec.base_run_dir}: {reason}; "
            "choose a directory you can write (or pass --base-run-dir)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.command == "validate":
        from enchanted_surrogates.cli.validate_command import validate

        return validate(spec)
    from enchanted_surrogates.cli.run_command import run

    return run(spec, args)


def _rebuild(base_run_dir: str) -> int:
    from pathlib import Path

    from enchanted_surrogates.journal import JOURNAL_FILE
    from enchanted_surrogates.storage.rebuild import rebuild
    from enchanted_surrogates.supervisor.lock import driver_pid

    if not (Path(base_run_dir) / JOURNAL_FILE).exists():
        print(f"error: {base_run_dir}: no {JOURNAL_FILE} here to rebuild from", file=sys.stderr)
        return EXIT_USAGE
    pid = driver_pid(Path(base_run_dir))
    if pid is not None:
        print(
            f"error: {base_run_dir} is being driven by pid {pid}, which writes these files; "
            "rebuild once it has stopped (enchanted export writes a copy elsewhere meanwhile)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        rows = rebuild(base_run_dir)
    except OSError as exc:
        print(f"error: {base_run_dir}: {exc}", file=sys.stderr)
        return 1
    print(f"rebuilt the dataset files in {base_run_dir} from the journal: {rows} rows")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from enchanted_surrogates.cli.init_project import InitRefused, init_project

    try:
        written = init_project(args.template, Path.cwd(), args.output, args.force)
    except InitRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {', '.join(str(p.name) for p in written)}")
    print(f"next: enchanted validate {args.output} && enchanted run {args.output}")
    return EXIT_OK


def _plot(args: argparse.Namespace) -> int:
    from pathlib import Path

    from enchanted_surrogates.cli.plots import plot_campaign
    from enchanted_surrogates.journal import JOURNAL_FILE

    if not (Path(args.base_run_dir) / JOURNAL_FILE).exists():
        print(f"error: {args.base_run_dir}: no {JOURNAL_FILE} here", file=sys.stderr)
        return EXIT_USAGE
    try:
        paths = plot_campaign(args.base_run_dir, args.output)
    except (ImportError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path in paths:
        print(path)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from enchanted_surrogates.config.reference import reference_markdown
    from enchanted_surrogates.config.schema import campaign_schema

    text = reference_markdown() if args.markdown else json.dumps(campaign_schema(), indent=2)
    if args.output:
        Path(args.output).write_text(text if text.endswith("\n") else text + "\n")
    else:
        print(text.rstrip("\n"))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    import json
    import time
    from pathlib import Path

    from rich.console import Console
    from rich.live import Live

    from enchanted_surrogates.cli.campaign_status import campaign_status
    from enchanted_surrogates.cli.status_view import render
    from enchanted_surrogates.journal import JOURNAL_FILE

    base = Path(args.base_run_dir)
    if not (base / JOURNAL_FILE).exists():
        print(f"error: {base}: no {JOURNAL_FILE} here; is it a base_run_dir?", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(campaign_status(base).as_dict()))
        return EXIT_OK
    tty = sys.stdout.isatty()
    console = Console(soft_wrap=not tty, width=None if tty else 1000)  # a pipe: no cut lines
    if not args.watch:
        console.print(render(campaign_status(base)))
        return EXIT_OK
    try:
        with Live(render(campaign_status(base)), console=console, auto_refresh=False) as live:
            while True:
                status = campaign_status(base)
                live.update(render(status), refresh=True)
                if status.state != "running":
                    return EXIT_OK
                time.sleep(args.watch)
    except KeyboardInterrupt:
        return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from enchanted_surrogates.storage.export import ExportError, export

    try:
        path, rows = export(
            args.base_run_dir,
            args.format,
            output=args.output,
            successful_only=args.successful_only,
            columns=args.columns,
        )
    except (ExportError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {rows} rows to {path}")
    return EXIT_OK
