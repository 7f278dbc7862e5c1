"""What every period справка closes with: the findings and the closing of the conclusions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from reports.analytics.objectivity import Signal
from reports.spravka.document import Block, Section
from reports.spravka.sections.base import STABLE
from reports.spravka.sections.objectivity import objectivity_part, objectivity_section, objectivity_sentences
from reports.spravka.sections.risk import risk_section, risk_sentences, risk_table
from reports.spravka.sections.weak import weak_section, weak_sentences, weakest_elements

# -- what every period справка closes with ------------------------------------------------------------------------

@dataclass(frozen=True)
class Findings:
    """Weak content elements, students at risk and ВПР objectivity of one scope, as sections and sentences."""

    weak: pd.DataFrame
    n_weak: int
    risk: pd.DataFrame
    objectivity: pd.DataFrame
    signals: list[Signal]

    def sections(self, risk_before: Sequence[Block] = ()) -> list[Section]:
        """Weak elements, students at risk (after `risk_before`, e.g. counts by parallel), objectivity if any."""
        risk = risk_section(self.risk)
        out = [weak_section(self.weak, self.n_weak), Section(risk.title, (*risk_before, *risk.blocks))]
        objectivity_ = objectivity_section(self.objectivity, self.signals)
        return out + ([objectivity_] if objectivity_ is not None else [])

    def sentences(self, wrote: int, whom: str) -> tuple[list[str], list[str]]:
        """Conclusions and recommendations; `whom` is told to talk to the parents of students at risk."""
        out: list[str] = []
        rec: list[str] = []
        for part in (weak_sentences(self.weak, self.n_weak), risk_sentences(len(self.risk), wrote, whom),
                     objectivity_sentences(self.signals)):
            extend(out, rec, part)
        return out, rec


def findings(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], scopes: Sequence[str] = ("class",)
             ) -> Findings:
    weak, n_weak = weakest_elements(facts, frames["tasks"])
    table, signals = objectivity_part(facts, frames, scopes)
    return Findings(weak, n_weak, risk_table(facts), table, signals)


# -- closing the conclusions ---------------------------------------------------------------------------------------

def extend(out: list[str], rec: list[str], parts: tuple[list[str], list[str]]) -> None:
    """Adds (conclusions, recommendations) of one part to the справка's lists."""
    out += parts[0]
    rec += parts[1]


def finish(recommendations: list[str]) -> tuple[str, ...]:
    """The recommendations, or the one for stable results when the numbers called for none."""
    return tuple(recommendations or [STABLE])
