"""The level scales as a school writes them in EDUMON_LEVEL_BANDS:

    «СОУ: оптимальный от 80, допустимый от 60, критический; качество: высокий выше 60, средний от 31, низкий от 20,
    критический»

Each scale is its bands from the highest down: «<слово> от N» (N and above), «<слово> выше N» (above N), and last
a word alone (everything below). A scale left out keeps its default. Anything else is a LevelBandsError with a
Russian message naming the part at fault; the setting is checked when the app starts.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from reports.analytics.indicators import Band, LevelBands
from sheets_schema.errors import UserFacingError

SCALES = {"соу": "sou", "sou": "sou", "качество": "quality", "качество знаний": "quality", "quality": "quality"}
SCALE_TITLES = {"sou": "СОУ", "quality": "качество"}
EXAMPLE = ("«СОУ: оптимальный от 80, допустимый от 60, критический; качество: высокий выше 60, средний от 31, "
           "низкий от 20, критический»")
_BAND = re.compile(r"^(?P<label>.+?)\s+(?P<op>от|выше)\s+(?P<value>-?\d+(?:[.,]\d+)?)\s*%?$", re.IGNORECASE)


class LevelBandsError(UserFacingError):
    """EDUMON_LEVEL_BANDS cannot be read; the message is Russian."""


def _scale(name: str, text: str) -> tuple[Band, ...]:
    parts = [p.strip() for p in re.split(r",(?!\d)", text) if p.strip()]  # «59,5» is a number
    title = SCALE_TITLES[name]
    if len(parts) < 2:
        raise LevelBandsError(f"Шкала уровней {title}: нужно хотя бы два уровня, например {EXAMPLE}")
    bands: list[Band] = []
    for part in parts[:-1]:
        m = _BAND.match(part)
        if not m:
            raise LevelBandsError(f"Шкала уровней {title}: «{part}» — ожидается «уровень от 80» или «уровень выше "
                                  f"60»; последним — уровень без числа. Пример: {EXAMPLE}")
        value = float(m.group("value").replace(",", "."))
        if not 0 <= value <= 100:
            raise LevelBandsError(f"Шкала уровней {title}: «{part}» — граница должна быть от 0 до 100 %")
        if bands and value >= bands[-1].lower:
            raise LevelBandsError(f"Шкала уровней {title}: уровни идут от высшего к низшему, а граница «{part}» не "
                                  f"ниже предыдущей ({bands[-1].label})")
        bands.append(Band(m.group("label").strip(), value, strict=m.group("op").lower() == "выше"))
    last = parts[-1]
    if _BAND.match(last) or re.search(r"\d", last):
        raise LevelBandsError(f"Шкала уровней {title}: последний уровень («{last}») пишется без числа — в него "
                              "попадает всё, что ниже")
    bands.append(Band(last, -math.inf))
    labels = [b.label.lower() for b in bands]
    if len(set(labels)) != len(labels):
        raise LevelBandsError(f"Шкала уровней {title}: названия уровней повторяются")
    return tuple(bands)


def parse_level_bands(text: str, default: LevelBands | None = None) -> LevelBands:
    """The bands the text sets over `default` (the documented scales); an empty text keeps the default."""
    out = default or LevelBands()
    seen: set[str] = set()
    for chunk in filter(None, (c.strip() for c in re.split(r"[;\n]", text or ""))):
        head, sep, body = chunk.partition(":")
        name = SCALES.get(head.strip().lower())
        if not sep or name is None:
            raise LevelBandsError(f"Шкалы уровней: «{chunk}» — начните с «СОУ:» или «качество:». Пример: {EXAMPLE}")
        if name in seen:
            raise LevelBandsError(f"Шкалы уровней: шкала {SCALE_TITLES[name]} задана дважды")
        seen.add(name)
        out = replace(out, **{name: _scale(name, body)})
    return out
