"""`enchanted analyse`: its options, and the call into the analysis package (imported only
when the command runs: it needs pandas, scipy and scikit-learn)."""

from __future__ import annotations

import argparse
import sys

from enchanted_surrogates.analysis.surrogate_kinds import KINDS


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "analyse", help="sensitivity indices, UQ moments and surrogate quality of a campaign"
    )
    parser.add_argument("base_run_dir", help="the campaign's base_run_dir")
    parser.add_argument("--level", type=int, default=0, help="which run_order level (default 0)")
    parser.add_argument("--output", nargs="+", metavar="COLUMN", help="outputs (default: all)")
    parser.add_argument(
        "--surrogate", choices=KINDS, help="also fit this surrogate: its indices and learning curve"
    )
    parser.add_argument(
        "--save-surrogate", action="store_true", help="pickle the fitted surrogate per output"
    )
    parser.add_argument("-o", "--out", help="report folder (default BASE_RUN_DIR/analysis)")


def run(args: argparse.Namespace) -> int:
    """Analyse and print a short summary; a usage problem exits 2 with one line."""
    from enchanted_surrogates.analysis import analyse

    try:
        report = analyse(
            args.base_run_dir,
            level=args.level,
            outputs=args.output,
            surrogate=args.surrogate,
            out=args.out,
            save_surrogate=args.save_surrogate,
        )
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for result in report["results"]:
        where = f" (parent {result['parent']})" if result["parent"] else ""
        print(
            f"{result['output']}{where}: {result['runs_used']} runs used; "
            f"{result['effect_of_left_out']}"
        )
        for estimate in result["estimates"]:
            values = ", ".join(
                f"{name} " + " ".join(f"{k}={v:.3f}" for k, v in idx.items() if "_conf" not in k)
                for name, idx in estimate["indices"].items()
            )
            print(f"  {estimate['method']}: {values}")
        if "more_runs_would_help" in result:
            verdict = "would still help" if result["more_runs_would_help"] else "barely help now"
            print(f"  learning curve: more runs {verdict}")
    for path in report["files"]:
        print(path)
    return 0
