"""For tests that interrupt a child ``extractor`` process with a signal."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """``preexec_fn`` of a child that gets SIGINT: SIGINT back to its default disposition.

    A test run started in the background by a non-interactive shell (``pytest &``, some CI
    runners) ignores SIGINT; children inherit that, Python then installs no KeyboardInterrupt
    handler, and the signal the test sends is lost (the run finishes with exit 0).
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
