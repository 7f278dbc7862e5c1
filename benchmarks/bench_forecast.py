"""Backtest of the forecasts on the demo school: MAE of the trend against the own-mean and last-value baselines,
and the measured coverage of the band against its nominal level, with the target beside each figure.

Run: .venv/bin/python benchmarks/bench_forecast.py [students] [seed]

Every point from the 4th of a group on is predicted from the points before it (rolling origin, as
reports.analytics.forecast_check does for every page); the chosen method is the one with the smallest MAE. Targets: the
chosen method's MAE is at most each baseline's (the trend is used only where it beats them); the band's coverage
is within 5 п. п. of its nominal level; groups with fewer than 5 points get no band.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.demo.school import generate_demo  # noqa: E402
from reports import results_facts  # noqa: E402
from reports.analytics.forecast_check import LAST_VALUE, METHODS, OWN_MEAN, honest_forecast  # noqa: E402
from sheets_schema import SCHEMA, validate_workbook  # noqa: E402

CASES = (("класс × все предметы", ["class_id"], None), ("класс × предмет", ["class_id", "subject_id"], None),
         ("обучающийся × предмет", ["student_id", "subject_id"], None),
         ("обучающийся × математика", ["student_id"], "математика"))


def main(students: int = 600, seed: int = 7) -> None:
    wb = validate_workbook(SCHEMA, generate_demo(students=students, seed=seed).grids)
    facts = results_facts(wb)
    subjects = wb["subjects"].set_index("name")["id"]
    print(f"Демо-школа: {students} обучающихся, {len(facts)} результатов")
    print(f"{'ряд':28} {'ошибок':>7} " + " ".join(f"{m:>7}" for m in ("тренд", "среднее", "послед.")) +
          f" {'метод':>8} {'цель':>14} {'полоса':>7} {'покрытие':>9} {'цель':>10} {'время':>7}")
    for name, by, subject in CASES:
        sid = None
        if subject is not None:
            match = [i for n, i in subjects.items() if str(n).lower().startswith(subject)]
            sid = match[0] if match else None
        start = time.process_time()
        fc = honest_forecast(facts, by, subject_id=sid)
        spent = time.process_time() - start
        q = fc.quality
        best_baseline = min(q.mae[OWN_MEAN], q.mae[LAST_VALUE])
        mae_ok = "да" if q.mae[q.method] <= best_baseline + 1e-9 else "нет"
        nominal = q.level * 100
        cov_ok = "—" if q.coverage != q.coverage else ("да" if abs(q.coverage - nominal) <= 5 else "нет")
        print(f"{name:28} {q.n_errors:7d} " + " ".join(f"{q.mae[m]:7.2f}" for m in METHODS) +
              f" {q.method:>8} {'≤ баз. (' + mae_ok + ')':>14} {q.half_width:7.2f} {q.coverage:8.1f}%"
              f" {f'{nominal:.0f}±5 ({cov_ok})':>10} {spent:6.2f}с")
        print(f"  {q.sentence()}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
