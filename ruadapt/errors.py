"""Errors meant for the user: one line, non-zero exit, no traceback (unless --debug)."""


class UserError(Exception):
    """A mistake in what the user gave (file, option, plugin name). Printed as one line."""
