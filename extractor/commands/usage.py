"""Usage errors printed like every other message of the command line.

Click (under typer) prints usage errors its own way: a framed panel or ``Error: ...`` after the
usage line, on text only. Here they are one ``error: ...`` line followed by the usage and the
help hint, or, when ``--log-format json`` is on the command line, one JSON object (the format of
:class:`extractor.logs.JsonFormatter`, with ``event`` ``usage_error``) that a log shipper can
parse. The exit code stays 2.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

EXIT_USAGE = 2


def wants_json(args: Sequence[str]) -> bool:
    """Whether ``--log-format json`` (or ``--log-format=json``) is among the arguments."""
    for i, arg in enumerate(args):
        value = None
        if arg == "--log-format" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--log-format="):
            value = arg.split("=", 1)[1]
        if value is not None and value.lower() == "json":
            return True
    return False


def usage_error_lines(error: typer.TyperException, *, as_json: bool) -> str:
    """The message for a usage error (without a final newline)."""
    from ..logs import JsonFormatter, TextFormatter

    ctx = getattr(error, "ctx", None)
    usage = ctx.get_usage() if ctx is not None else None
    hint = f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help." if ctx is not None else None
    record = logging.LogRecord("extractor.cli", logging.ERROR, __file__, 0, "%s", (error.format_message(),), None)
    if as_json:
        record.__dict__.update(event="usage_error", exit_code=error.exit_code, usage=usage)
        return JsonFormatter().format(record)
    return "\n".join(line for line in (TextFormatter().format(record), usage, hint) if line)


class ExtractorGroup(TyperGroup):
    """The ``extractor`` command group, printing usage errors as :func:`usage_error_lines`."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:  # click's usage errors (typer vendors click)
            typer.echo(usage_error_lines(exc, as_json=wants_json(argv)), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
