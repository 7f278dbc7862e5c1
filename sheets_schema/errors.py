"""The one root of every error edumon raises on purpose, in two branches.

- `UserFacingError`: a person's request cannot be done as asked — bad input, a missing class, an unreachable store,
  a setting that does not parse. Its message is Russian and is shown as is; nothing has been changed.
- `InternalError`: edumon's own declarations or invariants are broken — a programming mistake. It is logged with its
  context and the person sees that an internal error was recorded.

Anything else (KeyError, TypeError …) is a bug: the page and CLI boundaries log it with a traceback and say so in
Russian; no handler catches `LookupError` or a bare `Exception` to pass a bug off as a person's mistake.
"""

from __future__ import annotations


class EdumonError(Exception):
    """Root of edumon's own errors."""


class UserFacingError(EdumonError):
    """A Russian message for the person; nothing was changed."""


class InternalError(EdumonError):
    """A broken declaration or invariant of edumon itself; logged with context."""
