"""The contest definition read from contest.yaml: rounds, rules, prizes, localities, units.

Who runs the contest and signs its documents (the `contest` section) is handlers.contest_info.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from handlers.contest_info import ContestInfo, NonBlank, Strict
from handlers.lists import MAX_LOCALITY, MAX_UNIT, NameList, inline_list, read_list_files
from handlers.phones import normalise_phone
from handlers.practice_bank import PracticeBankFile, resolve_practice_bank


class Tier(StrEnum):
    """Prize tiers, best first."""

    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    CONSOLATION = "consolation"


class Prediction(Strict):
    """The tie-break question asked after the last question of an attempt."""

    question: NonBlank
    min: int = Field(default=0, ge=0)
    max: int = Field(default=10_000_000, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Prediction:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        return self


class Rules(Strict):
    """How an attempt works and how many a participant may make."""

    questions_per_attempt: int = Field(default=10, ge=1, le=100)
    time_limit_minutes: int = Field(default=10, ge=1, le=24 * 60)
    attempts_per_day: int = Field(default=1, ge=1)
    attempts_per_round: int | None = Field(default=None, ge=1)
    prediction: Prediction
    quotas: dict[str, int] = Field(default_factory=dict)

    @field_validator("quotas")
    @classmethod
    def _positive_quotas(cls, value: dict[str, int]) -> dict[str, int]:
        for source, count in value.items():
            if count < 0:
                raise ValueError(f"quota for {source!r} must not be negative")
        return value

    @model_validator(mode="after")
    def _quotas_fit(self) -> Rules:
        if sum(self.quotas.values()) > self.questions_per_attempt:
            raise ValueError("quotas add up to more than questions_per_attempt")
        return self

    @property
    def time_limit(self) -> timedelta:
        """The time limit of one attempt."""
        return timedelta(minutes=self.time_limit_minutes)


class Prize(Strict):
    """One prize tier and how many of it a round awards."""

    tier: Tier
    name: NonBlank
    count: int = Field(ge=0)


class RoundDef(Strict):
    """One round as planned: its code, name and window (local dates or date-times)."""

    code: NonBlank
    name: NonBlank
    opens: date | datetime
    closes: date | datetime
    # The name of the round's own question bank (imported for it); empty: the active bank.
    bank: str = Field(default="", max_length=80)

    @field_validator("code")
    @classmethod
    def _code_charset(cls, value: str) -> str:
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in value) or len(value) > 20:
            raise ValueError("use at most 20 letters, digits, '-' or '_'")
        return value


class Announcements(Strict):
    """When messages to people go out: between `earliest` and `latest`, local time.

    Rounds still open at 00:00:00 and close at 23:59:59; what they announce to people waits
    for the next `earliest` when it falls outside these hours.
    """

    earliest: time = time(7, 30)
    latest: time = time(21, 0)

    @field_validator("earliest", "latest", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        # YAML reads an unquoted 7:30 as the number 450 (minutes and seconds in base 60).
        if isinstance(value, int | float):
            raise ValueError('write the time in quotes, for example "07:30"')
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Announcements:
        if self.earliest.tzinfo is not None or self.latest.tzinfo is not None:
            raise ValueError("times are local to the contest: leave out the time zone")
        if self.latest <= self.earliest:
            raise ValueError("latest must be after earliest")
        return self

    def allows(self, instant: datetime, tz: ZoneInfo) -> bool:
        """Whether people may be messaged at this instant."""
        return self.earliest <= instant.astimezone(tz).time() < self.latest

    def next_allowed(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """This instant if people may be messaged then, else the next `earliest` (UTC)."""
        if self.allows(instant, tz):
            return instant
        local = instant.astimezone(tz)
        day = local.date() if local.time() < self.earliest else local.date() + timedelta(days=1)
        return datetime.combine(day, self.earliest, tzinfo=tz).astimezone(UTC)


class Approval(StrEnum):
    """Who makes a closed round's winners final (handlers.jury)."""

    # Provisional at closing; announced once the jury approves them.
    JURY = "jury"
    # Approved at closing and announced at once (small internal contests).
    AUTO = "auto"


class ResultsSettings(Strict):
    """What happens to a round's results when it closes."""

    approval: Approval = Approval.JURY


def _name_list(max_label: int) -> BeforeValidator:
    """Reads a list written in contest.yaml (a list file is read by load_contest)."""

    def convert(value: object) -> object:
        if value is None or isinstance(value, NameList):
            return value
        if isinstance(value, str):
            raise ValueError("a list file is read when the contest is loaded (load_contest)")
        if not isinstance(value, list):
            raise ValueError("expected a list of names, or the path of a list file")
        names, problems = inline_list(value, max_label=max_label)
        if problems:
            raise ValueError("; ".join(f"{where}: {problem}" for where, problem in problems))
        return names

    return BeforeValidator(convert)


# Registration's lists: written in contest.yaml, or a list file's path (see handlers.lists).
Localities = Annotated[NameList, _name_list(MAX_LOCALITY)]
Units = Annotated[NameList | None, _name_list(MAX_UNIT)]


class CollectivePrize(Strict):
    """A prize for a unit (or a locality) of the lists, decided at closing by participation:
    the highest share of its headcount that took part (`rate`), or the most people who did
    (`participants`). Entries listed with fewer than `min_headcount` people cannot win."""

    name: NonBlank
    among: Literal["units", "localities"] = "units"
    by: Literal["rate", "participants"] = "rate"
    count: int = Field(default=1, ge=1, le=100)
    min_headcount: int = Field(default=0, ge=0)


# A consent version travels in a button's token (64 bytes on Telegram) and in the database.
_VERSION = re.compile(r"[A-Za-z0-9._-]{1,20}")


class Consent(Strict):
    """The text a participant agrees to before their data is processed, and its version.

    Each entry stores the version it agreed to; a new version is asked for before the entry's
    next attempt. An empty `text` shows the catalogue's own (handlers/texts/vi.yaml).
    """

    version: str = "1"
    text: str = ""

    @field_validator("version", mode="before")
    @classmethod
    def _short(cls, value: object) -> str:
        # YAML reads `version: 2` or `version: 2.1` as a number.
        text = str(value).strip()
        if not _VERSION.fullmatch(text):
            raise ValueError("use 1 to 20 letters, digits, '.', '_' or '-'")
        return text

    @field_validator("text")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()


class ContestConfig(Strict):
    """The whole contest file."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    contest: ContestInfo
    rules: Rules
    prizes: list[Prize]
    rounds: list[RoundDef] = Field(min_length=1)
    localities: Localities
    # Without a list, the unit is typed freely (or "Người dân").
    units: Units = None
    collective_prizes: list[CollectivePrize] = Field(default_factory=list)
    excluded_phones: list[str] = Field(default_factory=list)
    question_bank: str = ""
    # Questions for /thithu when it should not draw from the rounds already decided.
    practice_bank: PracticeBankFile = None
    announcements: Announcements = Field(default_factory=Announcements)
    results: ResultsSettings = Field(default_factory=ResultsSettings)
    consent: Consent = Field(default_factory=Consent)
    # Entries are anonymised this many days after the last round closes (handlers.retention).
    data_retention_days: int = Field(default=180, ge=1, le=3650)

    @field_validator("excluded_phones")
    @classmethod
    def _phones(cls, value: list[str]) -> list[str]:
        out = []
        for raw in value:
            phone = normalise_phone(str(raw))
            if phone is None:
                raise ValueError(f"{raw!r} is not a Vietnamese mobile number")
            out.append(phone)
        return out

    @field_validator("prizes")
    @classmethod
    def _unique_tiers(cls, value: list[Prize]) -> list[Prize]:
        if len({p.tier for p in value}) != len(value):
            raise ValueError("a prize tier is listed twice")
        # Prizes are handed out in list order, so the best tier must come first whatever
        # order the file lists them in.
        order = list(Tier)
        return sorted(value, key=lambda p: order.index(p.tier))

    @model_validator(mode="after")
    def _collective_prizes_have_lists(self) -> ContestConfig:
        if len({p.name for p in self.collective_prizes}) != len(self.collective_prizes):
            raise ValueError("collective_prizes: a prize name is listed twice")
        for p in self.collective_prizes:
            names = self.entries_of(p.among)
            if names is None:
                raise ValueError(
                    f"collective_prizes: {p.name!r} is among units, but there is no units list"
                )
            if (p.by == "rate" or p.min_headcount) and not names.with_headcounts:
                raise ValueError(
                    f"collective_prizes: {p.name!r} needs headcounts, "
                    f"and the {p.among} list gives none"
                )
        return self

    def entries_of(self, among: str) -> NameList | None:
        """The list a collective prize is among: "units" or "localities"."""
        return self.units if among == "units" else self.localities

    @model_validator(mode="after")
    def _rounds_consistent(self) -> ContestConfig:
        codes = [r.code for r in self.rounds]
        if len(set(codes)) != len(codes):
            raise ValueError("rounds: a round code is listed twice")
        tz = ZoneInfo(self.contest.timezone)
        windows = sorted(
            (_instant(r.opens, tz, end=False), _instant(r.closes, tz, end=True), r.code)
            for r in self.rounds
        )
        for opens, closes, code in windows:
            if closes <= opens:
                raise ValueError(f"rounds: round {code} closes before it opens")
        for (_, closes, code), (opens, _, nxt) in pairwise(windows):
            if opens <= closes:
                raise ValueError(f"rounds: rounds {code} and {nxt} overlap")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The contest's time zone."""
        return ZoneInfo(self.contest.timezone)

    def window(self, code: str) -> tuple[datetime, datetime]:
        """The opening and closing instants (UTC) of a round."""
        r = self.round(code)
        return _instant(r.opens, self.tz, end=False), _instant(r.closes, self.tz, end=True)

    def round(self, code: str) -> RoundDef:
        """The round with this code; KeyError when there is none."""
        for r in self.rounds:
            if r.code == code:
                return r
        raise KeyError(code)

    def round_banks(self) -> list[str]:
        """The names of the rounds' own banks, each once, in the order rounds list them."""
        return list(dict.fromkeys(r.bank for r in self.rounds if r.bank))

    def rounds_of_bank(self, bank: str) -> list[RoundDef]:
        """The rounds that draw from the bank of this name."""
        return [r for r in self.rounds if r.bank == bank]

    def prize_name(self, tier: str) -> str:
        """The display name of a prize tier."""
        for p in self.prizes:
            if p.tier == tier:
                return p.name
        return tier


def _instant(value: date | datetime, tz: ZoneInfo, *, end: bool) -> datetime:
    """A local date (start or end of that day) or local date-time, as a UTC instant."""
    if isinstance(value, datetime):
        local = value if value.tzinfo else value.replace(tzinfo=tz)
    else:
        local = datetime.combine(value, time(23, 59, 59) if end else time(0, 0), tzinfo=tz)
    return local.astimezone(UTC)


class ContestFileError(Exception):
    """contest.yaml is missing or wrong; the message names the file and the field."""


def load_contest(path: Path) -> ContestConfig:
    """Read and check the contest file, raising ContestFileError naming the bad field."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContestFileError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ContestFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ContestFileError(f"{path}: expected a mapping at the top level")
    if problems := read_list_files(raw, path):
        raise ContestFileError("\n".join(problems))
    resolve_practice_bank(raw, path)
    try:
        return ContestConfig.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            lines.append(f"{path}: {where}: {err['msg']}")
        raise ContestFileError("\n".join(lines)) from exc
