"""Pieces every `edumon` command shares: Russian failures instead of tracebacks, and the context."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from sync.lease import LeaseHeld
from sync.store import StoreError

from .config import Settings
from .context import AppContext, ConfigError, build_context

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("edumon")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def friendly(fn: F) -> F:
    """Errors a person can cause become a Russian message and an exit code, never a stack trace."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except ValidationError as exc:
            errs = "; ".join(f"EDUMON_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
            fail(f"Неверные настройки: {errs}")
        except ConfigError as exc:
            fail(str(exc))
        except LeaseHeld as exc:
            fail(str(exc), 1)
        except StoreError as exc:
            log.error("store error in %s: %s", fn.__name__, exc)
            fail(f"Хранилище недоступно: {exc}")
        except KeyboardInterrupt:
            fail("Прервано", 130)

    return wrapper  # type: ignore[return-value]


def context() -> AppContext:
    return build_context(Settings())
