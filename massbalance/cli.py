"""The ``massbalance`` command: argparse, exit codes, and the only module that prints.

Exit codes: 0 ok; 1 published figures disagree (for ``reconcile``: a gross
error was set aside); 2 bad input or usage; 3 solver failure or an
undetermined check; 70 internal error (a bug: an unexpected exception).

Each subcommand is a pair of functions, ``_add_<name>(subparsers)`` that
declares its arguments and ``_run_<name>(args) -> int`` that does the work;
:data:`_SUBCOMMANDS` lists the ``_add_`` functions.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError, MassBalanceError
from .figures import ROUNDING_METHODS, TRAILING_ZEROS_READINGS
from .io import read_release
from .release import check_release
from .report import BALANCE_FORMATS, RECONCILE_FORMATS, REPORT_FORMATS, render_check
from .report._escape import escape_text

__all__ = ["main"]

EXIT_OK = 0
EXIT_DISAGREE = 1
EXIT_INPUT = 2
EXIT_SOLVER = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: a bug, not a finding

_EXIT_CODES_EPILOG = """\
exit codes:
  0   ok
  1   the figures disagree (reconcile: a gross error was set aside)
  2   bad input or usage
  3   solver failure, or a check left undetermined
  70  internal error (a bug); rerun with --debug for the traceback
"""

_Subparsers = Any  # argparse._SubParsersAction is private


def write_atomic(path: Path, text: str, *, protect: Sequence[Path] = ()) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Refuses to write over any of the ``protect`` paths (the input files).
    """
    target = path.resolve()
    for other in protect:
        if other.exists() and target == other.resolve():
            raise InputError(
                f"--output {path}: refusing to overwrite the input file", str(path)
            )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(args: argparse.Namespace, text: str, inputs: Sequence[Path] = ()) -> None:
    """Print ``text`` or write it atomically to ``args.output``."""
    output = getattr(args, "output", None)
    if output:
        write_atomic(Path(output), text, protect=inputs)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _add_check(subparsers: _Subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check the printed figures of a production release against each other",
        description=(
            "Decide, with proof either way, whether the figures of a release can "
            "all be true at once; rank the smallest sets of figures that explain a "
            "disagreement. Exit 0 consistent, 1 inconsistent, 2 bad input, "
            "3 undetermined or solver failure."
        ),
    )
    parser.add_argument("file", type=Path, help="the release, a TOML file")
    parser.add_argument(
        "--rounding",
        choices=ROUNDING_METHODS,
        default=None,
        help="how the figures were rounded (default: the file's, else nearest)",
    )
    parser.add_argument(
        "--trailing-zeros",
        choices=TRAILING_ZEROS_READINGS,
        default="significant",
        help="read 1,200 t as printed to 1 t (significant) or to 100 t (ambiguous)",
    )
    parser.add_argument(
        "--max-culprits",
        type=int,
        default=3,
        metavar="N",
        help="largest culprit set searched for (default 3)",
    )
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text")
    parser.add_argument("--output", "-o", help="write the report here (atomically)")
    parser.set_defaults(handler=_run_check)


def _run_check(args: argparse.Namespace) -> int:
    if args.max_culprits < 1:
        raise InputError(f"--max-culprits {args.max_culprits}: must be at least 1")
    release = read_release(args.file)
    try:
        report = check_release(
            release,
            rounding=args.rounding,
            trailing_zeros=args.trailing_zeros,
            max_culprits=args.max_culprits,
        )
    except MassBalanceError as err:
        raise type(err)(f"{args.file}: {err.message}", err.where, err.value) from err
    emit(args, render_check(report, args.format), inputs=[args.file])
    return {"consistent": EXIT_OK, "inconsistent": EXIT_DISAGREE}.get(
        report.verdict, EXIT_SOLVER
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="massbalance",
        description="Metal accounting for concentrators, with units.",
        epilog=_EXIT_CODES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _SUBCOMMANDS:
        add(subparsers)
    for subparser in subparsers.choices.values():
        # --debug also after the subcommand; SUPPRESS keeps a --debug given
        # before it from being reset to False by the subparser's default.
        subparser.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the traceback of an error",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except MassBalanceError as err:
        if args.debug:
            traceback.print_exc()
        message = escape_text(" ".join(str(err).split()))
        print(f"massbalance {args.command}: error: {message}", file=sys.stderr)
        return EXIT_INPUT if isinstance(err, InputError) else EXIT_SOLVER
    except OSError as err:
        if args.debug:
            traceback.print_exc()
        message = escape_text(" ".join(str(err).split()))
        print(f"massbalance {args.command}: error: {message}", file=sys.stderr)
        return EXIT_INPUT
    except UnicodeDecodeError as err:  # a file that is not UTF-8 text: bad input
        if args.debug:
            traceback.print_exc()
        where = getattr(args, "file", None) or "input"
        print(
            f"massbalance {args.command}: error: {escape_text(str(where))}: not "
            f"UTF-8 text (byte {err.object[err.start : err.start + 1]!r} at "
            f"offset {err.start})",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except Exception as err:
        return _internal_error(args, err)


def _internal_error(args: argparse.Namespace, err: Exception) -> int:
    """Report an unexpected exception: one line, or the traceback with --debug."""
    if args.debug:
        traceback.print_exc()
    message = " ".join(str(err).split())
    if len(message) > 300:
        message = message[:300] + "..."
    print(
        f"massbalance {args.command}: internal error: {type(err).__name__}: "
        f"{escape_text(message)}; rerun with --debug for the traceback",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


# ------------------------------------------------------------------ reconcile
def _add_reconcile(subparsers: _Subparsers) -> None:
    p = subparsers.add_parser(
        "reconcile",
        help="reconcile measured masses and assays (weighted least squares)",
        description=(
            "Reconcile a plant-data TOML file: adjusted values with their SDs, "
            "chi-square test, measurement tests and gross errors. Exit code 1 "
            "when gross errors were set aside. With --from-release, FILE is a "
            "release (the format of `massbalance check`): each printed figure is "
            "a measurement with SD = step/sqrt(12), and every figure and "
            "unprinted quantity gets a best estimate with its SD."
        ),
    )
    p.add_argument(
        "file", type=Path, help="plant-data TOML file (a release with --from-release)"
    )
    p.add_argument(
        "--from-release",
        action="store_true",
        help="FILE is a release: estimate its figures from their rounding",
    )
    p.add_argument(
        "--rounding",
        choices=ROUNDING_METHODS,
        default=None,
        help="with --from-release: how the figures were rounded (default: the file's)",
    )
    p.add_argument("--format", choices=RECONCILE_FORMATS, default="text")
    p.add_argument("--alpha", type=float, default=0.05, help="significance (0.05)")
    p.add_argument(
        "--allow-unobservable",
        action="store_true",
        help="report undetermined quantities instead of failing",
    )
    p.add_argument("--output", "-o", help="write the report to this file")
    p.set_defaults(handler=_run_reconcile)


def _run_reconcile(args: argparse.Namespace) -> int:
    from .io import read_plant
    from .reconcile import reconcile
    from .report import render_reconciliation

    if not 0 < args.alpha < 1:
        raise InputError(f"--alpha must be in (0, 1), got {args.alpha}", "--alpha")
    if args.from_release:
        return _run_reconcile_release(args)
    if args.rounding is not None:
        raise InputError("--rounding applies only with --from-release", "--rounding")
    data = read_plant(args.file)
    result = reconcile(
        data.flowsheet,
        data.measurements,
        gross_errors=True,
        alpha=args.alpha,
        allow_unobservable=args.allow_unobservable,
    )
    emit(args, render_reconciliation(result, args.format), inputs=[args.file])
    return EXIT_DISAGREE if result.gross_errors else EXIT_OK


def _run_reconcile_release(args: argparse.Namespace) -> int:
    from .io import estimate_release
    from .report import render_release_estimate

    release = read_release(args.file)
    try:
        result = estimate_release(release, rounding=args.rounding)
    except MassBalanceError as err:
        raise type(err)(f"{args.file}: {err.message}", err.where, err.value) from err
    emit(args, render_release_estimate(result, args.format), inputs=[args.file])
    return EXIT_OK


# --- library subcommands: balance, convert (issue 3) ---------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    from .errors import ReleaseFormatError

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ReleaseFormatError(f"{path}: not valid TOML: {err}", str(path)) from err


def _add_balance(subparsers: _Subparsers) -> None:
    parser = subparsers.add_parser(
        "balance",
        help="mass splits and recoveries from assays (n-product formula)",
        description=(
            "Split a feed into its products from their assays: exact when there "
            "are n - 1 elements for n products, weighted least squares when "
            "there are more. FILE is TOML: [streams.<name>] tables of printed "
            'assays ("11.3 %", "899 g/t"), an optional mass = "21,251 t" on '
            "the feed, an optional [balance] table (feed = name, elements = "
            "[...]) and optional [sd.<name>] assay standard deviations."
        ),
    )
    parser.add_argument("file", type=Path, help="TOML file of assays")
    parser.add_argument("--format", choices=BALANCE_FORMATS, default="text")
    parser.add_argument("-o", "--output", help="write the report to this file")
    parser.set_defaults(handler=_run_balance)


def _balance_inputs(
    data: dict[str, Any], where: str
) -> tuple[str, dict[str, Any], dict[str, dict[str, Any]], Any, Any, Any]:
    from .errors import AssayError, ReleaseFormatError
    from .units import parse_printed

    settings = data.get("balance", {})
    tables = data.get("streams")
    if not isinstance(tables, dict) or len(tables) < 3:
        raise ReleaseFormatError(
            f"{where}: need a [streams.<name>] table for the feed and at least "
            "two products",
            where,
        )
    feed_name = str(settings.get("feed", next(iter(tables))))
    if feed_name not in tables:
        raise AssayError(f"{where}: no [streams.{feed_name}] for the feed", feed_name)

    def read(table: dict[str, Any], prefix: str) -> dict[str, Any]:
        out = {}
        for key, text in table.items():
            out[key] = parse_printed(text, where=f"{prefix}.{key}").quantity
        return out

    streams = {name: read(table, name) for name, table in tables.items()}
    feed_mass = streams[feed_name].pop("mass", None)
    for values in streams.values():
        values.pop("mass", None)
    products = {n: v for n, v in streams.items() if n != feed_name}
    sd = None
    if "sd" in data:
        sd = {name: read(table, f"sd.{name}") for name, table in data["sd"].items()}
    elements = settings.get("elements")
    return feed_name, streams[feed_name], products, elements, sd, feed_mass


def _run_balance(args: argparse.Namespace) -> int:
    import warnings

    from .report import render_balance
    from .solve import n_product

    data = _read_toml(args.file)
    feed_name, feed, products, elements, sd, feed_mass = _balance_inputs(
        data, str(args.file)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = n_product(feed, products, elements=elements, sd=sd)
    for warning in caught:
        message = escape_text(" ".join(str(warning.message).split()))
        print(f"massbalance balance: warning: {message}", file=sys.stderr)
    text = render_balance(result, args.format, feed_mass=feed_mass, feed_name=feed_name)
    emit(args, text, [args.file])
    return EXIT_OK


def _add_convert(subparsers: _Subparsers) -> None:
    parser = subparsers.add_parser(
        "convert",
        help='convert a printed value: convert "40.5 opt" g/t',
        description=(
            "Convert a value written as printed to another unit. oz is the "
            "troy ounce; ambiguous spellings (ton, oz/t) are refused."
        ),
    )
    parser.add_argument("value", help='a printed value, e.g. "40.5 opt"')
    parser.add_argument("unit", help="the unit wanted, e.g. g/t")
    parser.set_defaults(handler=_run_convert)


def _run_convert(args: argparse.Namespace) -> int:
    import pint

    from .errors import UnitError
    from .units import parse_quantity, parse_unit

    quantity = parse_quantity(args.value)
    unit = parse_unit(args.unit, where="unit")
    try:
        converted = quantity.to(unit)
    except pint.DimensionalityError as err:
        raise UnitError(
            f"cannot convert {args.value!r} to {args.unit!r}: different dimensions",
            args.unit,
            args.value,
        ) from err
    emit(args, f"{args.value} = {converted.m:,.7g} {args.unit}")
    return EXIT_OK


_SUBCOMMANDS: list[Callable[[_Subparsers], None]] = [
    _add_check,
    _add_reconcile,
    _add_balance,
    _add_convert,
]
