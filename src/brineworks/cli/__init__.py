"""Command-line interface: ``brineworks --help``.

Every command calls the public API only. User errors print one line on stderr and exit with
status 2 (status 1 when some rows of a CSV failed and the others were printed). One module per
group of commands; importing it registers its commands on :data:`app`.
"""

from __future__ import annotations

from brineworks.cli import chemistry, ensemble, park  # noqa: F401  (register the commands)
from brineworks.cli._common import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``brineworks`` command."""
    app()
