"""Pieces every `edumon` command shares: Russian failures instead of tracebacks, the context, lazy imports.

Heavy modules (pandas, pydantic settings, the stores) are imported when a command runs, never for `--help`.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
import typer

if TYPE_CHECKING:
    from app.context import AppContext

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("edumon")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def friendly(fn: F) -> F:
    """Errors a person can cause become a Russian message and an exit code, never a stack trace."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pydantic import ValidationError

        from app.context import ConfigError
        from sheets_schema.errors import UserFacingError
        from sync.lease import LeaseHeld
        from sync.store import StoreError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, click.exceptions.ClickException):  # usage errors: click words them itself
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
        except UserFacingError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("Прервано", 130)
        except Exception:  # an InternalError or a bug of ours: the log has the traceback, the person a Russian line
            log.exception("command %s failed", fn.__name__)
            fail("Внутренняя ошибка edumon; подробности записаны в журнал", 70)

    return wrapper  # type: ignore[return-value]


def context() -> AppContext:
    from app.config import Settings
    from app.context import build_context

    return build_context(Settings())


class LazyModule:
    """A module imported on first attribute access: commands name it at module level, `--help` never loads it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)
