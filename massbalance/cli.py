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
import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .errors import InputError, MassBalanceError
from .figures import ROUNDING_METHODS, TRAILING_ZEROS_READINGS
from .io import read_release
from .release import MAX_CULPRITS, check_release
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
    mode = _new_file_mode(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode(target: Path) -> int:
    """The mode a report gets: the replaced file's, else 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def emit(args: argparse.Namespace, text: str, inputs: Sequence[Path] = ()) -> None:
    """Print ``text`` or write it atomically to ``args.output``."""
    output = getattr(args, "output", None)
    if output and output != "-":
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
        help="largest culprit set searched for, per disagreement (default 3, at most 8)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="budget for the culprit search and explanations; exit 3 when it runs out",
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="text and Markdown: add the proof and every relation",
    )
    parser.add_argument(
        "--summary",
        action="store_true",
        help="text and Markdown: the verdict and one line per disagreement",
    )
    # csv: the summary table of several files (one file is refused)
    parser.add_argument("--format", choices=[*REPORT_FORMATS, "csv"], default="text")
    parser.add_argument(
        "--output", "-o", help="write the report here (atomically; - for stdout)"
    )
    _add_check_screening(parser)


def _run_check(args: argparse.Namespace) -> int:
    if args.timeout is not None and not args.timeout > 0:
        raise InputError(
            f"--timeout {args.timeout}: must be a positive number of seconds"
        )
    if not 1 <= args.max_culprits <= MAX_CULPRITS:
        raise InputError(
            f"--max-culprits {args.max_culprits}: must be between 1 and {MAX_CULPRITS}"
            " (the culprit search grows combinatorially with it)"
        )
    release = _load_release(args)
    try:
        report = check_release(
            release,
            rounding=args.rounding,
            trailing_zeros=args.trailing_zeros,
            max_culprits=args.max_culprits,
            timeout=_budget_left(args.timeout),
        )
    except MassBalanceError as err:
        raise type(err)(f"{args.file}: {err.message}", err.where, err.value) from err
    text = render_check(report, args.format, details=args.details, summary=args.summary)
    emit(args, text, inputs=[args.file])
    if report.timed_out:
        return EXIT_SOLVER
    return {"consistent": EXIT_OK, "inconsistent": EXIT_DISAGREE}.get(
        report.verdict, EXIT_SOLVER
    )


def _budget_left(timeout: float | None) -> float | None:
    """What is left of ``timeout`` seconds, counted from the command's start
    (imports and reading included) when launched from the console script."""
    from . import _launch

    if timeout is None or _launch.STARTED is None:
        return timeout
    return max(timeout - (time.monotonic() - _launch.STARTED), 0.01 * timeout)


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
        with contextlib.ExitStack() as stack:
            _stdin_file(args, stack)
            return handler(args)
    except MassBalanceError as err:
        if args.debug:
            traceback.print_exc()
        for problem in getattr(err, "problems", None) or (str(err),):
            message = escape_text(" ".join(str(problem).split()))
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
    from .reconciliation import reconcile
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


# --- library subcommands: balance, convert ---------------------------------


def _read_toml(
    path: Path, kind: Literal["release", "balance", "plant"]
) -> dict[str, Any]:
    """Read a TOML input file and check it against the schema of its ``kind``."""
    from .io._loader import load_toml
    from .io._schema import validate

    data = load_toml(path)
    validate(data, kind, str(path))
    return data


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
    """The balance file's feed, products, elements and SDs (names checked)."""
    import difflib

    from .io._limits import parse_checked
    from .io._schema import Problem, key_path, raise_problems

    settings = data.get("balance", {})
    tables = data["streams"]
    feed_name = settings.get("feed", next(iter(tables)))
    problems = []

    def refer(at: str, name: str, names: Any, what: str) -> None:
        if name not in names:
            close = difflib.get_close_matches(name, list(names), n=1)
            hint = f"; did you mean {close[0]!a}?" if close else ""
            problems.append(Problem(at, "names " + what.format(ascii(name)) + hint))

    defined = "which the file does not define"
    refer("balance.feed", feed_name, tables, f"stream {{}}, {defined}")
    for name in data.get("sd", {}):
        refer(key_path("sd", name), name, tables, f"stream {{}}, {defined}")
    assayed = {k for table in tables.values() for k in table if k != "mass"}
    for k, element in enumerate(settings.get("elements", [])):
        at = key_path("balance.elements", k)
        refer(at, element, assayed, "element {}, which no stream assays")
    raise_problems(problems, where)

    def read(table: dict[str, Any], prefix: str) -> dict[str, Any]:
        out = {}
        for key, text in table.items():
            out[key] = parse_checked(text, where=f"{prefix}.{key}").quantity
        return out

    try:
        streams = {name: read(table, name) for name, table in tables.items()}
        sd = None
        if "sd" in data:
            sd = {n: read(table, f"sd.{n}") for n, table in data["sd"].items()}
    except MassBalanceError as err:
        raise type(err)(f"{where}: {err.message}", err.where, err.value) from err
    feed_mass = streams[feed_name].pop("mass", None)
    for values in streams.values():
        values.pop("mass", None)
    products = {n: v for n, v in streams.items() if n != feed_name}
    elements = settings.get("elements")
    return feed_name, streams[feed_name], products, elements, sd, feed_mass


def _run_balance(args: argparse.Namespace) -> int:
    import warnings

    from .report import render_balance
    from .solve import n_product

    data = _read_toml(args.file, "balance")
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


# --- draft, and check on published sources and on many files ---------------


def _add_draft(subparsers: _Subparsers) -> None:
    parser = subparsers.add_parser(
        "draft",
        help="draft a release file from a release as published (text, HTML, CSV, PDF)",
        description=(
            "Read a production release as published (plain text copied from a "
            "PDF or a web page, HTML, CSV, XLSX, PDF) and write a release file: "
            "every figure as printed, a comment on each line naming its table "
            "row and column or its sentence, '# CHECK:' on every reading that "
            "was assumed (listed on stderr). Exit 0 draft written, 2 no "
            "production table found or unreadable source."
        ),
    )
    parser.add_argument("source", type=Path, help="the release as published")
    parser.add_argument(
        "-o", "--output", help="write the draft here (atomically; default stdout)"
    )
    parser.add_argument(
        "--labels", type=Path, help="a TOML file of row and column labels to add"
    )
    parser.set_defaults(handler=_run_draft)


def _run_draft(args: argparse.Namespace) -> int:
    from .io.draft import draft_text

    drafted = draft_text(args.source, labels=args.labels)
    emit(args, drafted.toml, inputs=[args.source])
    _report_checks("draft", drafted.notes.checks, drafted.notes.source)
    return EXIT_OK


def _report_checks(command: str, checks: Sequence[str], source: str) -> None:
    word = "reading needs" if len(checks) == 1 else "readings need"
    print(
        f"massbalance {command}: drafted {source}: {len(checks)} {word} a look",
        file=sys.stderr,
    )
    for line in checks:
        print(f"  CHECK: {line}", file=sys.stderr)


def _add_check_screening(parser: argparse.ArgumentParser) -> None:
    """``check`` on sources to draft, and on many files at once."""
    parser.add_argument(
        "more", nargs="*", type=Path, metavar="FILE", help="more files or folders"
    )
    parser.add_argument(
        "--save-draft",
        type=Path,
        metavar="FILE",
        help="keep the draft of a published source here",
    )
    parser.add_argument(
        "--labels", type=Path, help="a TOML file of row and column labels to add"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes for several files (default: the CPU count)",
    )
    parser.set_defaults(handler=_run_check_files)


def _load_release(args: argparse.Namespace) -> Any:
    """The release of ``args.file``: read, or drafted when it is not TOML."""
    if Path(args.file).suffix.lower() == ".toml":
        if getattr(args, "save_draft", None):
            raise InputError("--save-draft applies to a source that is not TOML")
        return read_release(args.file)
    from .io.draft import draft_text, loads_release

    drafted = draft_text(args.file, labels=getattr(args, "labels", None))
    if getattr(args, "save_draft", None):
        write_atomic(args.save_draft, drafted.toml, protect=[args.file])
    print(
        f"massbalance check: checked a draft of {args.file}, not a file written "
        f"by hand; {len(drafted.notes.checks)} readings need a look "
        "(massbalance draft lists them)",
        file=sys.stderr,
    )
    return loads_release(drafted.toml, path=f"draft of {args.file}")


def _screen_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def _run_check_files(args: argparse.Namespace) -> int:
    from functools import partial

    from .io.draft import screen, screen_many
    from .io.draft.render import render_screen

    paths = [args.file, *args.more]
    if len(paths) == 1 and not args.file.is_dir():
        if args.format == "csv":
            raise InputError("--format csv is for the table of several files")
        return _run_check(args)
    if args.save_draft:
        raise InputError("--save-draft applies to one source, not several")
    files = _screen_files(paths)
    if not files:
        raise InputError(f"{args.file}: no files to check", str(args.file))
    jobs = args.jobs or os.cpu_count() or 1
    if jobs < 1:
        raise InputError(f"--jobs {jobs}: must be at least 1")
    work = partial(
        screen,
        rounding=args.rounding,
        trailing_zeros=args.trailing_zeros,
        max_culprits=args.max_culprits,
        labels=args.labels,
    )
    rows = screen_many(files, work, jobs)
    emit(args, render_screen(rows, args.format), inputs=files)
    return max(row.exit_code for row in rows)


_SUBCOMMANDS: list[Callable[[_Subparsers], None]] = [
    _add_check,
    _add_reconcile,
    _add_balance,
    _add_convert,
    _add_draft,
]


# --- help, completion, and - for standard input -------------------------------


def _add_help(subparsers: _Subparsers) -> None:
    parser = subparsers.add_parser(
        "help",
        help="print a user guide (massbalance help release-format)",
        description=(
            "Print one of the user guides that ship with massbalance, in "
            "Markdown; with no name, list them."
        ),
    )
    parser.add_argument(
        "guide", nargs="?", help="the guide's name, e.g. release-format"
    )
    parser.set_defaults(handler=_run_help)


def _run_help(args: argparse.Namespace) -> int:
    from .guides import help_text

    sys.stdout.write(help_text(args.guide))
    return EXIT_OK


def _add_completion(subparsers: _Subparsers) -> None:
    parser = subparsers.add_parser(
        "completion",
        help="print a shell completion script: source <(massbalance completion bash)",
        description=(
            "Print a bash script that completes massbalance's commands, options "
            "and their choices. With the `completion` extra (argcomplete) "
            'installed, eval "$(register-python-argcomplete massbalance)" '
            "completes from the parser itself instead."
        ),
    )
    parser.add_argument("shell", choices=("bash",), help="the shell")
    parser.set_defaults(handler=_run_completion)


def _run_completion(args: argparse.Namespace) -> int:
    from ._completion import bash_script

    sys.stdout.write(bash_script(_parser()))
    return EXIT_OK


_SUBCOMMANDS += [_add_help, _add_completion]


def _stdin_file(args: argparse.Namespace, stack: contextlib.ExitStack) -> None:
    """Let ``-`` as the input file mean standard input (copied to a temporary file)."""
    if getattr(args, "file", None) != Path("-"):
        return
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mb-")))
    path = folder / "stdin.toml"
    path.write_text(sys.stdin.read(), encoding="utf-8")
    args.file = path
