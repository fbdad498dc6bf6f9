"""The `tf1-tutorials` command. Each subcommand lives in its own module, imported only when used
(and only the one used), so a usage error or `--help` answers at once and never imports TensorFlow.

Errors, for every subcommand alike: a mistake of the user's (:mod:`tf1_tutorials.errors`, an
``OSError``, a data error) ends the command with one line on stderr naming the argument or file
and what is wrong, and exit status 2 (the command line is wrong) or 1 (a file, directory, disk or
data set is); an interrupt with 130 (Ctrl-C), 143 (SIGTERM) or 129 (SIGHUP). A library that
cannot be imported, memory or threads that run out (:mod:`tf1_tutorials.broken_environment`) are
the environment's too: one line, status 1. Output that cannot be encoded or whose reader has gone
never changes the status (:mod:`tf1_tutorials.terminal`). ``TF1_TUTORIALS_DEBUG=1`` or ``--debug``
adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import traceback

from tf1_tutorials import broken_environment, terminal
from tf1_tutorials.errors import ENVIRONMENT, USAGE, UserError, describe_os_error

PROG = "tf1-tutorials"
DEBUG_ENV = "TF1_TUTORIALS_DEBUG"

# subcommand -> (module, one-line help); each module defines add_arguments(parser), main(args).
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("tf1_tutorials.commands.list", "list the tutorial variants"),
    "run": ("tf1_tutorials.commands.run", "train one tutorial variant and write its result"),
    "measure": (
        "tf1_tutorials.commands.measure",
        "run band entries under seeds; record or check them",
    ),
    "report": ("tf1_tutorials.commands.report", "write REPORT.md and plots from the measured runs"),
    "legacy": ("tf1_tutorials.commands.legacy", "run an unmodified TensorFlow 1.x script"),
    "cluster": (
        "tf1_tutorials.commands.cluster",
        "train softmax or experts on a TF1 cluster of ps and worker processes",
    ),
    "doctor": (
        "tf1_tutorials.commands.doctor",
        "check versions, data, mirrors and disk before a run",
    ),
}


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line and a hint instead of the usage block."""

    def error(self, message: str):
        self.exit(
            USAGE, f"{self.prog}: error: {message}\n{self.prog}: hint: see `{self.prog} -h`\n"
        )


def _chosen_command(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first word that is one), if any."""
    for word in argv:
        if word in COMMANDS:
            return word
        if not word.startswith("-"):
            return None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the subcommand ``argv`` names gets its module imported and its
    arguments added (every subcommand's, when ``argv`` is None)."""
    chosen = _chosen_command(argv) if argv is not None else None
    parser = _Parser(
        prog=PROG,
        description="Run the TensorFlow 1.x MNIST/CIFAR-10 tutorials on current TensorFlow.",
        epilog="exit status: 0 done, 1 a file, directory, disk or data set is wrong, 2 the "
        "command line is wrong, 129/130/143 interrupted; TF1_TUTORIALS_DEBUG=1 shows tracebacks",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of an error (TF1_TUTORIALS_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if argv is None or name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_module=module)
    return parser


def _say_error(command: str | None, message: str, hint: str | None = None) -> None:
    prog = f"{PROG} {command}" if command else PROG
    message = " ".join(message.splitlines()) if message.strip() else "(no message)"
    print(f"{prog}: error: {message}", file=sys.stderr)
    if hint:
        print(f"{prog}: hint: {hint}", file=sys.stderr)


def _explain(err: Exception) -> tuple[int, str, str | None] | None:
    """Exit status, message and hint for a user's mistake; None for anything else."""
    if isinstance(err, UserError):
        return err.exit_status, str(err), err.hint
    data_errors = sys.modules.get("tf1_tutorials.data.errors")  # loaded if data was read
    if data_errors and isinstance(err, data_errors.DataSourceError):
        return ENVIRONMENT, *err.summary()
    if data_errors and isinstance(err, data_errors.CorruptDatasetError):
        hint = "delete the file to have it fetched again, or fix TF1_TUTORIALS_DATA"
        return ENVIRONMENT, f"data file {err}", hint
    broken = broken_environment.explain(err)
    if broken is not None:
        return ENVIRONMENT, *broken
    if isinstance(err, OSError):  # a file, directory or disk
        return ENVIRONMENT, describe_os_error(err), None
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    terminal.guard()
    chosen = _chosen_command(argv)
    parsers = []  # the parser, once its subcommand's module has been imported
    status = run_reporting_errors(
        chosen or "", lambda: parsers.append(build_parser(argv)), "--debug" in argv[:1]
    )
    if not parsers:
        return status
    parser = parsers[0]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    return run_reporting_errors(args.command, lambda: args._module.main(args), args.debug)


def run_reporting_errors(command: str, call, debug: bool = False) -> int:
    """``call()``'s exit status; a user's mistake or an interrupt said as subcommand ``command``
    says it (one line, its status), anything else raised with its traceback."""
    debug = debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    terminal.guard()
    try:
        return int(call() or 0)
    except KeyboardInterrupt as err:  # Ctrl-C, or SIGTERM/SIGHUP while training (Terminated)
        signum = getattr(err, "signum", signal.SIGINT)
        if debug:
            traceback.print_exc()
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            stopped = getattr(err, "stopped", "")
            also = f"; stopped {stopped} with it" if stopped else ""
            print(
                f"{PROG} {command}: stopped by {signal.Signals(signum).name}{also}", file=sys.stderr
            )
        return 128 + signum
    except Exception as err:
        explained = _explain(err)
        if explained is None:
            raise  # not a user's mistake: a fault of the program, with its traceback
        if debug:
            traceback.print_exc()
        status, message, hint = explained
        _say_error(command, message, hint)
        return status


if __name__ == "__main__":
    sys.exit(main())
