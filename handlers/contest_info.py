"""Who runs the contest (the `contest` section of contest.yaml): the organiser, the province,
and who signs the results and the certificates; and the strict base every section shares."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


NonBlank = Annotated[str, AfterValidator(_not_blank)]


class Strict(BaseModel):
    """A section of contest.yaml: unknown keys are errors, and the values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Signatory(Strict):
    """One signature on the contest's documents: the signer's title, and the name printed
    under the signature ("" leaves the line to be written by hand)."""

    title: NonBlank
    name: str = ""

    @field_validator("name")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()


# Who signs the prize list when contest.yaml does not say: the usual three of a provincial
# contest's results (the one who drew it up, the jury's head, the committee's head).
DEFAULT_SIGN_OFF = (
    Signatory(title="Người lập biểu"),
    Signatory(title="Trưởng Ban Giám khảo"),
    Signatory(title="Trưởng Ban Tổ chức"),
)
# Side by side on a landscape A4 page.
MAX_SIGNATORIES = 4
# The title of the signer of the certificates when contest.yaml names none.
COMMITTEE_HEAD = "Trưởng Ban Tổ chức"


class CertificateHeading(StrEnum):
    """What a certificate's heading shows: the organiser alone, centred, or the organiser on
    the left and the national motto on the right, as official documents do."""

    ORGANISER = "organiser"
    MOTTO = "motto"


class CertificateSettings(Strict):
    """How the certificates look: their heading, where they are issued, who signs them."""

    heading: CertificateHeading = CertificateHeading.ORGANISER
    # The bodies above the organiser, highest first ("UBND TỈNH NINH BÌNH").
    parent: list[NonBlank] = Field(default_factory=list, max_length=2)
    # The organiser as the heading names it under its parent ("" = contest.organiser).
    organiser: str = ""
    # The place before the date ("" = contest.province).
    place: str = ""
    # Who of contest.sign_off signs: a position (1 = the first) or a title; None = the one
    # titled "Trưởng Ban Tổ chức", else the last.
    signer: int | str | None = None

    @field_validator("organiser", "place")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @field_validator("signer", mode="before")
    @classmethod
    def _position_or_title(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and value.strip()):
            return value.strip() if isinstance(value, str) else value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        raise ValueError("give a position in sign_off (1 = the first) or a signer's title")


class ContestInfo(Strict):
    """Who runs the contest and for whom."""

    code: NonBlank
    title: NonBlank
    organiser: NonBlank
    plan: str = ""
    province: NonBlank
    website: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    eligibility: NonBlank
    award: str = ""
    # The signature block of the results' prize list, and of the certificates.
    sign_off: list[Signatory] = Field(
        default_factory=lambda: list(DEFAULT_SIGN_OFF), min_length=1, max_length=MAX_SIGNATORIES
    )
    certificate: CertificateSettings = Field(default_factory=CertificateSettings)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("certificate")
    @classmethod
    def _signer_signs_off(
        cls, value: CertificateSettings, info: ValidationInfo
    ) -> CertificateSettings:
        sign_off: list[Signatory] | None = info.data.get("sign_off")
        if sign_off is not None:
            _signer(value.signer, sign_off)
        return value

    @property
    def certificate_signer(self) -> Signatory:
        """The one of sign_off who signs the certificates."""
        return _signer(self.certificate.signer, self.sign_off)


def _signer(choice: int | str | None, sign_off: list[Signatory]) -> Signatory:
    """The signer a certificate setting names; ValueError naming `signer` when none is."""
    if isinstance(choice, int):
        if choice > len(sign_off):
            raise ValueError(f"signer: {choice} but sign_off lists {len(sign_off)} signatories")
        return sign_off[choice - 1]
    wanted = _fold(choice or COMMITTEE_HEAD)
    for s in sign_off:
        if _fold(s.title) == wanted:
            return s
    if choice is None:
        return sign_off[-1]
    titles = ", ".join(s.title for s in sign_off)
    raise ValueError(f"signer: {choice!r} is not a title in sign_off ({titles})")


def _fold(title: str) -> str:
    return unicodedata.normalize("NFC", " ".join(title.split())).casefold()
