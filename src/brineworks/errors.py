"""Exceptions raised by Brineworks.

Every error a user can cause derives from :class:`BrineworksError`; the CLI prints its message
on one line and exits non-zero, without a traceback.
"""

from __future__ import annotations


class BrineworksError(Exception):
    """Base class of every error Brineworks raises on purpose."""


class InputError(BrineworksError, ValueError):
    """Bad input: the message names the field, the value given and what is allowed.

    Parameters
    ----------
    field
        Name of the offending field (e.g. ``"composition.Li"``).
    value
        The value that was given.
    allowed
        What would have been accepted.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: got {value!r}; allowed: {allowed}")


class ChargeBalanceError(InputError):
    """The composition is not electrically neutral within the allowed tolerance."""


class ChemistryError(BrineworksError, RuntimeError):
    """A thermodynamic calculation failed.

    Parameters
    ----------
    message
        What failed, in words.
    backend_message
        The backend's own error text (for PHREEQC: its error string), if any.
    input_text
        The input that failed (for PHREEQC: the input deck), kept for debugging.
    """

    def __init__(self, message: str, backend_message: str = "", input_text: str = "") -> None:
        self.backend_message = backend_message.strip()
        self.input_text = input_text
        text = message
        if self.backend_message:
            first = " | ".join(line for line in self.backend_message.splitlines() if line.strip())
            text = f"{message}: {first}"
        super().__init__(text)


class ValidityError(ChemistryError):
    """A state lies outside the range in which the thermodynamic model is valid."""
