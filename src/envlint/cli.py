"""Command line: argument parsing, the error boundary and exit codes, nothing else."""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from envlint import __version__
from envlint.errors import EnvlintError
from envlint.model import Severity
from envlint.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def _codes(value: str) -> list[str]:
    from envlint.config import parse_codes

    try:
        return parse_codes(value, "code list")
    except EnvlintError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("code list: ")) from None


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="envlint",
        description="Lint a Python repository's environment: venvs, Dockerfiles, "
        "requirements and Python versions, checked against each other.",
    )
    parser.add_argument("path", nargs="?", default=".", help="repository to lint (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--select", type=_codes, action="extend", metavar="CODES",
        help="only these codes or prefixes, comma-separated (replaces the config's select)",
    )  # fmt: skip
    parser.add_argument(
        "--ignore", type=_codes, action="extend", metavar="CODES",
        help="skip these codes or prefixes, comma-separated (added to the config's ignore)",
    )  # fmt: skip
    parser.add_argument(
        "--fail-on", type=_severity, metavar="{info,warning,error}",
        help="lowest severity that makes the exit code 1 (default: warning)",
    )  # fmt: skip
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--config", metavar="FILE", help="read settings from FILE")
    parser.add_argument("--no-git", action="store_true", help="walk the tree instead of asking git")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--explain", metavar="CODE", help="show a rule's documentation and exit")
    parser.add_argument("--version", action="version", version=f"envlint {__version__}")
    return parser


@contextlib.contextmanager
def error_boundary() -> Iterator[list[int]]:
    """Expected failures and bugs alike become one line on stderr and exit 2."""
    status = [EXIT_ERROR]
    try:
        yield status
    except EnvlintError as exc:
        print(f"envlint: error: {exc}", file=sys.stderr)
        status[0] = EXIT_ERROR
    except KeyboardInterrupt:
        status[0] = EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("ENVLINT_DEBUG") == "1":
            raise
        print(
            f"envlint: internal error: {_brief(exc)} (ENVLINT_DEBUG=1 shows more)", file=sys.stderr
        )
        status[0] = EXIT_ERROR


def _brief(exc: BaseException, limit: int = 200) -> str:
    """An exception as one short line (a UnicodeEncodeError's repr holds the whole text)."""
    text = repr(exc).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with error_boundary() as status:
        status[0] = _run(args)
    return status[0]


def _run(args: argparse.Namespace) -> int:
    from envlint.rules import all_rules

    rules = all_rules()
    if args.list_rules:
        width = max(len(r.name) for r in rules.values())
        for rule in rules.values():
            print(f"{rule.code}  {rule.name:<{width}}  {rule.severity.label:<7}  {rule.summary}")
        return EXIT_OK
    if args.explain:
        code = args.explain.strip().upper()
        if code not in rules:
            raise EnvlintError(f"--explain: no rule has code {args.explain!r}")
        rule = rules[code]
        print(f"# {rule.code} {rule.name} ({rule.severity.label})\n\n{rule.doc}")
        return EXIT_OK

    from envlint.runner import lint

    root = Path(args.path)
    if not args.path or not root.is_dir():  # Path("") is ".": an empty $DIR must not lint cwd
        raise EnvlintError(f"{args.path or repr('')}: not a directory")
    if args.config is not None:
        _check_config_file(args.config)
    outcome = lint(
        root,
        use_git=not args.no_git,
        config_path=args.config,
        select=args.select,
        ignore=args.ignore,
        fail_on=args.fail_on,
    )
    for note in outcome.notes:
        print(f"envlint: note: {note}", file=sys.stderr)

    from envlint.report import Meta, renderer

    to_terminal = args.output_file is None and sys.stdout.isatty()
    colour = to_terminal and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    meta = Meta(__version__, outcome.files, rules, colour=colour)
    report = renderer(args.format)(outcome.findings, meta)
    if args.output_file:
        try:
            Path(args.output_file).write_text(report, encoding="utf-8")
        except OSError as exc:
            raise EnvlintError(f"--output-file {args.output_file}: {exc.strerror}") from None
    else:
        _emit(report)
    for error in outcome.internal_errors:
        print(f"envlint: {error} (please report it)", file=sys.stderr)
    if outcome.internal_errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    failing = any(f.severity >= outcome.fail_on for f in outcome.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _check_config_file(name: str) -> None:
    """A device never ends (`/dev/zero`): only a file, a pipe (`<(...)`) or /dev/null is read."""
    try:
        mode = os.stat(name).st_mode
    except (OSError, ValueError):
        return  # reading it reports why
    if (stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)) and not _is_devnull(name):
        raise EnvlintError(f"--config {name}: not a regular file")


def _is_devnull(name: str) -> bool:
    try:
        return os.path.samefile(name, os.devnull)
    except OSError:
        return False


def _emit(report: str) -> None:
    """Write the report to stdout, whatever the terminal's encoding and wherever it leads."""
    try:
        try:
            sys.stdout.write(report)
        except UnicodeEncodeError:  # e.g. PYTHONIOENCODING=ascii: escape what it cannot show
            encoding = sys.stdout.encoding or "utf-8"
            sys.stdout.write(report.encode(encoding, "backslashreplace").decode(encoding))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`envlint | head`): the exit code still counts
        with contextlib.suppress(OSError, ValueError):
            # Python flushes stdout again at exit; let that flush go nowhere, quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise EnvlintError(f"cannot write the report: {exc.strerror or exc}") from None
