"""``report.pdf``: the report page printed to A4 by a headless Chromium (the page's print
style sets the paper, margins and page breaks; the figures are drawn before printing).

The browser is looked for as ``$BRINEWORKS_CHROMIUM``, then ``chromium``, ``chromium-browser``,
``google-chrome`` and ``google-chrome-stable`` on the ``PATH``; on Debian, ``apt-get install
chromium fonts-wqy-microhei`` gives it and a Chinese font (``make browser``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from brineworks.errors import BrineworksError

__all__ = ["BROWSER_FLAGS", "find_chromium", "print_pdf"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags for a headless Chromium that reaches for nothing outside the machine."""


def find_chromium() -> str:
    """Path of a Chromium executable.

    Raises
    ------
    BrineworksError
        Naming what is missing and how to install it.
    """
    given = os.environ.get("BRINEWORKS_CHROMIUM")
    if given:
        if Path(given).is_file() and os.access(given, os.X_OK):
            return given
        raise BrineworksError(f"BRINEWORKS_CHROMIUM={given!r} is not an executable file")
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrineworksError(
        "--pdf needs a Chromium browser and none was found (looked for "
        + ", ".join(_NAMES)
        + " and $BRINEWORKS_CHROMIUM); on Debian: apt-get install chromium fonts-wqy-microhei "
        "(or 'make browser')"
    )


def print_pdf(html: Path, pdf: Path, *, timeout_s: float = 120.0) -> Path:
    """Print the page ``html`` to ``pdf`` (A4, the page's print style) with headless Chromium.

    Raises
    ------
    BrineworksError
        If no browser is found, or it fails or writes no PDF (with its last output).
    """
    exe = find_chromium()
    pdf = pdf.resolve()
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="brineworks-chromium-") as profile:
        cmd = [
            exe,
            *BROWSER_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=20000",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                                  check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise BrineworksError(f"{exe} did not print {html} within {timeout_s:g} s") from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BrineworksError(
            f"{exe} failed to print {html} to PDF (exit {done.returncode}): " + " | ".join(tail)
        )
    return pdf
