"""The command-line interface: a thin layer that parses options, calls the library, prints
messages and picks exit codes. Commands live in ``extractor/commands/`` (one module each) and
import their heavy dependencies inside the command body, so ``extractor --help`` stays fast."""

from __future__ import annotations

from typing import Annotated

import typer

from .commands import db as db_commands
from .commands import evaluate as evaluate_commands
from .commands import extract as extract_commands
from .commands import schema as schema_commands
from .commands import show as show_commands
from .commands.usage import ExtractorGroup

app = typer.Typer(
    name="extractor",
    cls=ExtractorGroup,  # usage errors as 'error: ...' lines, or JSON with --log-format json
    help="Extract structured, checkable claims about arms and military support from English news.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
)



def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Extract structured, checkable claims about arms and military support from English news."""


app.command("extract")(extract_commands.extract)
app.command("schema")(schema_commands.schema)
app.command("load")(db_commands.load)
app.command("export")(db_commands.export)
app.command("show")(show_commands.show)
app.command("evaluate")(evaluate_commands.evaluate)


def main() -> None:
    app()
