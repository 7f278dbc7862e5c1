"""Settings from EDUMON_* environment variables and .env. Secrets are paths here, never values in sheets or logs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from reports.analytics.level_bands import LevelBandsError, parse_level_bands
from reports.analytics.periods import CalendarError, parse_calendar
from reports.district.clusters import CLUSTER_FIELDS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDUMON_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    site: Literal["school", "lab"] = Field("school", description="Что запущено: школа или муниципальная лаборатория")
    backend: Literal["local", "google"] = Field("local", description="Хранилище: local (встроенное) или google")
    data_dir: Path = Field(Path("data"), description="Каталог данных: встроенное хранилище, журнал, снимки")
    host: str = Field("127.0.0.1", description="Адрес, на котором слушает веб-приложение")
    port: int = Field(8080, ge=1, le=65535, description="Порт веб-приложения")
    academic_year: str = Field("2025/2026", pattern=r"^\d{4}/\d{4}$", description="Текущий учебный год")
    school_name: str = Field("МБОУ «Средняя общеобразовательная школа № 1»", description="Название школы в справках")
    refresh_seconds: float = Field(300, ge=5, description="Как часто перечитывать таблицу целиком")
    calendar: str = Field("", description="Окончание четвертей и полугодий по учебным годам, например "
                                          "«2025/2026: 1 четверть=26.10.2025, 2 четверть=28.12.2025, "
                                          "3 четверть=20.03.2026, 4 четверть=26.05.2026»; годы через «;»")
    level_bands: str = Field("", description="Шкалы уровней СОУ и качества знаний, например «СОУ: оптимальный от 80, "
                                             "допустимый от 60, критический; качество: высокий выше 60, средний "
                                             "от 31, низкий от 20, критический»; пусто — эти, стандартные")
    session_secret: str = Field("", description="Секрет подписи сессий; если пуст — создаётся в каталоге данных")
    session_hours: float = Field(10, gt=0, description="Через сколько часов сессия истекает")
    cookie_secure: bool = Field(False, description="Cookie сессии только по HTTPS (включите за HTTPS-прокси)")
    upload_max_mb: int = Field(10, ge=1, le=200, description="Наибольший размер загружаемого файла, МБ")
    upload_max_cells: int = Field(1_000_000, ge=1000, le=20_000_000,
                                  description="Наибольшее число ячеек загружаемой книги (строки × столбцы от A1)")
    # Google Sheets
    spreadsheet_key: str = Field("", description="Ключ Google Таблицы школы (для EDUMON_BACKEND=google)")
    credentials_file: Path | None = Field(None, description="Файл ключа сервисного аккаунта Google")
    google_base_url: str = Field("https://sheets.googleapis.com", description="Адрес Sheets API (или двойника)")
    google_timeout: float = Field(30, gt=0, description="Сколько секунд ждать ответа Google на один запрос")
    # the municipal lab (EDUMON_SITE=lab) and the school's side of the exchange with it
    school_code: str = Field("", pattern=r"^[\w\-.]{0,64}$", description="Код школы в реестре лаборатории")
    lab_name: str = Field("Муниципальная лаборатория мониторинга учебно-воспитательного процесса",
                          description="Название лаборатории в справках")
    lab_quota_per_minute: float = Field(50, gt=0, le=60, description="Запросов к Google в минуту при сборе")
    signal_min_n: int = Field(15, ge=1, le=10_000, description="Сигналы объективности: минимум участников")
    signal_above_group_pp: float = Field(15, gt=0, le=100, description="Сигнал: качество ВПР выше группы, п.п.")
    signal_raised_pct: float = Field(30, gt=0, le=100, description="Сигнал: доля отметок ВПР выше отметки за период, %")
    olympiad_winner_min_share: float = Field(0.5, ge=0, lt=1, description="Муниципальный этап: победитель набирает "
                                             "больше этой доли максимального балла")
    olympiad_prize_quota: float = Field(0.45, gt=0, le=1, description="Муниципальный этап: квота победителей и "
                                        "призёров от числа участников предмета и класса")
    lab_attestation_months: int = Field(12, ge=1, le=60, description="Кадры: аттестация в ближайшие N месяцев")
    signal_confirm_pp: float = Field(5, ge=0, le=100,
                                     description="Сигнал: позже внешняя работа выше группы меньше, п.п.")
    signal_peak_ratio: float = Field(4, gt=1, le=100,
                                     description="Сигнал: на пороге отметки во столько раз больше работ, чем под ним")
    signal_cohort_drop_pp: float = Field(20, gt=0, le=100,
                                         description="Сигнал: падение качества 4 → 5 класс сильнее города, п.п.")
    cluster_fields: str = Field("programme,low_income_pct", max_length=200,
                                description="Поля «Школ», по которым школы делятся на кластеры")
    shnor_low_share_pct: float = Field(40, gt=0, le=100,
                                       description="ШНОР: доля участников ВПР в нижнем квартиле города, %")
    shnor_window_years: int = Field(3, ge=2, le=10, description="ШНОР: окно лет")
    lab_engine: Literal["duckdb", "spark"] = Field("duckdb", description="Чем считать запросы лаборатории")
    spark_master: str = Field("local[2]", description="Адрес Spark: local[2] или spark://узел:7077, yarn, k8s://…")
    spark_warehouse_url: str = Field("", description="Хранилище для Spark (hdfs://, s3a://…); пусто — каталог данных")

    @field_validator("cluster_fields")
    @classmethod
    def _known_cluster_fields(cls, v: str) -> str:
        unknown = [f for f in (x.strip() for x in v.split(",")) if f and f not in CLUSTER_FIELDS]
        if unknown:
            raise ValueError(f"неизвестные поля кластеров: {', '.join(unknown)}; возможны: {', '.join(CLUSTER_FIELDS)}")
        return v

    @field_validator("academic_year")
    @classmethod
    def _consecutive_years(cls, v: str) -> str:
        a, b = (int(x) for x in v.split("/"))
        if b != a + 1:
            raise ValueError("учебный год записывается как 2025/2026")
        return v

    @field_validator("calendar")
    @classmethod
    def _readable_calendar(cls, v: str) -> str:
        try:
            parse_calendar(v)
        except CalendarError as exc:  # pydantic reports a ValueError with the Russian message as the setting's problem
            raise ValueError(str(exc)) from exc
        return v

    @field_validator("level_bands")
    @classmethod
    def _readable_level_bands(cls, v: str) -> str:
        try:
            parse_level_bands(v)
        except LevelBandsError as exc:  # pydantic reports a ValueError with the Russian message as the problem
            raise ValueError(str(exc)) from exc
        return v

    @property
    def local_store_path(self) -> Path:
        return self.data_dir / "edumon.sqlite3"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"
