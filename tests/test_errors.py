"""One exception root: every error class edumon declares descends from EdumonError, in the user or internal branch,
and the CLI boundary turns each branch (and a plain bug) into a Russian line, never a traceback."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import pkgutil

import pytest
import typer

import app
import forms
import reports
import sheets_schema
import sync
from app.cli.common import friendly
from sheets_schema.errors import EdumonError, InternalError, UserFacingError

PACKAGES = (app, forms, reports, sheets_schema, sync)


def _declared_exceptions() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for pkg in PACKAGES:
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for _, obj in inspect.getmembers(module, inspect.isclass):
                if (issubclass(obj, BaseException) and obj.__module__ == module.__name__
                        and not issubclass(obj, asyncio.CancelledError)):  # a cancellation is not an error
                    found.append(obj)
    return found


def test_every_declared_error_has_the_one_root_and_a_branch() -> None:
    declared = _declared_exceptions()
    assert len(declared) >= 20  # the stores, snapshots, bundles, справки, uploads, settings …
    strays = [f"{e.__module__}.{e.__qualname__}" for e in declared
              if e not in (EdumonError, UserFacingError, InternalError)
              and not issubclass(e, (UserFacingError, InternalError))]
    assert strays == []
    assert not [e for e in declared if issubclass(e, LookupError)]  # a KeyError bug can never pass for «не найдено»


def _run(exc: BaseException) -> tuple[int, str]:
    @friendly
    def command() -> None:
        raise exc

    with pytest.raises(typer.Exit) as caught:
        command()
    return caught.value.exit_code, ""


def test_cli_boundary_words_each_branch(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    code, _ = _run(UserFacingError("Класс 9Я не найден"))
    assert code == 2 and "Класс 9Я не найден" in capsys.readouterr().err
    with caplog.at_level(logging.ERROR, logger="edumon"):
        code, _ = _run(KeyError("teacher_id"))
    err = capsys.readouterr().err
    assert code == 70 and "Внутренняя ошибка" in err and "teacher_id" not in err
    assert any(r.exc_info and isinstance(r.exc_info[1], KeyError) for r in caplog.records)  # logged with traceback
    with caplog.at_level(logging.ERROR, logger="edumon"):
        code, _ = _run(InternalError("страница без правила доступа"))
    assert code == 70 and issubclass(InternalError, EdumonError)
