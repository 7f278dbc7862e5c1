"""EDUMON_LEVEL_BANDS: the level scales as a school writes them, checked at start with a Russian message, and the
scale shown wherever a level word is (the work page, the справка)."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import pandas as pd
import pytest
from docx import Document
from nicegui.testing import User
from pydantic import ValidationError

from app.config import Settings
from reports.analytics.indicators import LEVEL_BANDS, Band, LevelBands, classify, scales_text, summarize
from reports.analytics.level_bands import LevelBandsError, parse_level_bands
from reports.export.docx import spravka_docx
from reports.export.xlsx import spravka_xlsx
from reports.spravka.narrative import work_report
from sheets_schema import Workbook
from tests.conftest import sign_in


@pytest.fixture
def restore_bands() -> Iterator[None]:
    keep = LevelBands(LEVEL_BANDS.sou, LEVEL_BANDS.quality)
    yield
    LEVEL_BANDS.configure(keep)


@pytest.mark.parametrize(("text", "sou", "quality"), [
    ("", LevelBands().sou, LevelBands().quality),
    ("СОУ: высокий от 75, средний от 50, низкий",
     (Band("высокий", 75.0), Band("средний", 50.0), Band("низкий", -math.inf)), LevelBands().quality),
    ("качество: хорошее выше 59,5 %, слабое", LevelBands().sou,
     (Band("хорошее", 59.5, strict=True), Band("слабое", -math.inf))),
    ("соу: а от 80, б; Качество знаний: в от 50, г",
     (Band("а", 80.0), Band("б", -math.inf)), (Band("в", 50.0), Band("г", -math.inf))),
])
def test_the_setting_reads_as_people_write_it(text: str, sou: tuple, quality: tuple) -> None:
    bands = parse_level_bands(text)
    assert (bands.sou, bands.quality) == (sou, quality)


@pytest.mark.parametrize(("text", "words"), [
    ("СОУ от 80", "начните с «СОУ:»"),
    ("отметки: хорошо от 4, плохо", "начните с «СОУ:»"),
    ("СОУ: оптимальный", "хотя бы два уровня"),
    ("СОУ: оптимальный 80, критический", "ожидается «уровень от 80»"),
    ("СОУ: оптимальный от 60, допустимый от 80, критический", "от высшего к низшему"),
    ("СОУ: оптимальный от 180, критический", "от 0 до 100"),
    ("СОУ: оптимальный от 80, критический от 10", "без числа"),
    ("СОУ: высокий от 80, высокий", "повторяются"),
    ("СОУ: а от 80, б; СОУ: в от 50, г", "задана дважды"),
])
def test_a_setting_that_cannot_be_read_is_refused_in_russian(text: str, words: str) -> None:
    with pytest.raises(LevelBandsError, match=words):
        parse_level_bands(text)
    with pytest.raises(ValidationError, match=words):  # at start: `edumon serve` prints it and stops
        Settings(level_bands=text)


def test_configured_bands_change_every_level_word_and_its_legend(restore_bands: None) -> None:
    LEVEL_BANDS.configure(parse_level_bands("СОУ: высокий от 75, средний от 50, низкий"))
    assert list(classify(pd.Series([80.0, 60.0, 10.0]), LEVEL_BANDS.sou)) == ["высокий", "средний", "низкий"]
    assert scales_text().startswith("Уровни СОУ: высокий — от 75 %, средний — от 50 %, низкий — ниже 50 %.")
    marks = pd.DataFrame({"mark": [2, 2, 3], "present": ["да"] * 3})  # СОУ (16+16+36)/3 = 22,7: «низкий»
    assert summarize(marks).sou_level == "низкий"


def test_a_spravka_with_level_words_prints_their_scale(facts: pd.DataFrame, workbook: Workbook,
                                                       restore_bands: None) -> None:
    wid = str(facts.loc[facts["mark"].notna(), "work_id"].iloc[0])
    doc = work_report(facts, workbook.frames, wid).document()
    assert doc.level_scales() == scales_text()
    text = "\n".join(p.text for p in Document(io.BytesIO(spravka_docx(doc))).paragraphs)
    assert scales_text() in text
    from openpyxl import load_workbook
    cells = [c.value for c in load_workbook(io.BytesIO(spravka_xlsx(doc)))["Справка"]["A"]]
    assert scales_text() in cells


@pytest.fixture
def school_bands(restore_bands: None, data_dir: object, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EDUMON_LEVEL_BANDS", "СОУ: высокий от 75, средний от 50, низкий")
    return "Уровни СОУ: высокий — от 75 %, средний — от 50 %, низкий — ниже 50 %."


async def test_the_work_page_names_the_schools_scale_beside_its_level_words(school_bands: str, user: User,
                                                                            facts: pd.DataFrame) -> None:
    wid = next(str(w) for w, rows in facts[facts["mark"].notna()].groupby("work_id", observed=True)
               if rows["class_id"].nunique() >= 2)
    await sign_in(user, "zam")
    await user.open(f"/work/{wid}")
    await user.should_see(marker="work-classes")
    for marker in ("work-classes-scale", "work-scale"):  # under the classes table and under the conclusions
        label = user.find(marker=marker).elements.pop()
        assert label.text.startswith(school_bands)  # type: ignore[attr-defined]
