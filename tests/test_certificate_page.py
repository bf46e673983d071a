"""A certificate as people meet it: every line reads exactly as printed (Vietnamese letters
composed, nothing split or joined), the page drawn as an image shows everything inside the
frame with nothing on top of anything else, and its QR code opens the verification address.

The images are kept in test-artifacts/certificates/ to be looked at.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers.certificates import CertificateData, CertificateError, certificate_pdf
from handlers.contest import ContestConfig
from handlers.lists import read_list_files
from tests.conftest import CONTEST_FILE
from tests.support.printed import PT_PER_MM, Box, Printed, as_printed, read_page

SITE = "https://chuyendoiso.ninhbinh.gov.vn"
# The frame's inner line, 12.5 mm in from each edge of an A4 landscape page.
INSIDE = Box(12.5 * PT_PER_MM, 12.5 * PT_PER_MM, 284.5 * PT_PER_MM, 197.5 * PT_PER_MM)
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
TITLE = "Cuộc thi trắc nghiệm tìm hiểu về Chuyển đổi số trên mạng internet năm 2023"
# Every Vietnamese vowel with every tone, and đ.
VOWELS = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
    "đ",
]


def validated(raw: dict[str, Any]) -> ContestConfig:
    """The contest from an edited copy of the sample file, its list files read as on loading."""
    assert read_list_files(raw, CONTEST_FILE) == []
    return ContestConfig.model_validate(raw)


def contest(certificate: dict[str, Any] | None = None, **signers: str) -> ContestConfig:
    """The real contest file, with another `certificate` section and signers' names."""
    raw = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    if certificate is not None:
        raw["contest"]["certificate"] = certificate
    for signer in raw["contest"]["sign_off"]:
        signer["name"] = signers.get(signer["title"], signer["name"])
    return validated(raw)


def holder(full_name: str, unit: str, locality: str, *, code: str = "K7P3-9QXM") -> CertificateData:
    """A first prize of round 1, issued on 05/04/2023, with its verification code."""
    return CertificateData(
        full_name=full_name,
        locality=locality,
        unit=unit,
        prize="Giải Nhất",
        round_name="Quý 1",
        round_opens=date(2023, 2, 15),
        round_closes=date(2023, 3, 30),
        issued=date(2023, 4, 5),
        code=code,
        verify_url=f"{SITE}/xac-minh/{code}",
    )


def on_the_sample_contest(name: str, whereabouts: str, code: str) -> list[str]:
    """What `holder`'s certificate says on the sample contest's page, line by line."""
    return [
        *MOTTO,
        "UBND TỈNH NINH BÌNH",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "GIẤY CHỨNG NHẬN",
        "Ban Tổ chức chứng nhận",
        name,
        whereabouts,
        "đã đạt",
        "Giải Nhất",
        "Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
        TITLE,
        "Ninh Bình, ngày 05 tháng 4 năm 2023",
        "TRƯỞNG BAN TỔ CHỨC",
        f"Mã xác minh: {code}",
        f"{SITE}/xac-minh/{code}",
    ]


def check_page(page: Printed, url: str) -> None:
    """A4 landscape; the QR code opens the address; every word and the QR code inside the
    frame; no word on another word or on the QR code."""
    assert (round(page.size[0]), round(page.size[1])) == (842, 595)
    [(read, qr_box)] = page.qr
    assert read == url
    assert qr_box.inside(INSIDE)
    for word in page.words:
        assert word.box.inside(INSIDE), f"{word.text!r} goes past the frame"
        assert not word.box.overlaps(qr_box), f"{word.text!r} is on the QR code"
    cores = [(w.text, w.box.core()) for w in page.words]
    for i, (text, box) in enumerate(cores):
        for other, other_box in cores[i + 1 :]:
            assert not box.overlaps(other_box), f"{text!r} and {other!r} are drawn on each other"


def test_the_sample_contests_certificate_is_headed_like_an_official_document() -> None:
    data = holder("Nguyễn Thị Ánh Tuyết", "Sở Tư pháp", "Hoa Lư")

    page = read_page(certificate_pdf(contest(), data), "motto-heading")

    assert page.lines == on_the_sample_contest(
        "Nguyễn Thị Ánh Tuyết", "Sở Tư pháp, Hoa Lư", "K7P3-9QXM"
    )
    check_page(page, f"{SITE}/xac-minh/K7P3-9QXM")


def test_the_organiser_heading_names_the_organiser_alone_and_the_chosen_signer_signs() -> None:
    settings = contest(
        {"heading": "organiser", "signer": 2}, **{"Trưởng Ban Giám khảo": "Phạm Quốc Hưng"}
    )
    data = holder("Lê Thị Thu Hằng", "Người dân", "Yên Khánh", code="WQ4T-88ZA")

    page = read_page(certificate_pdf(settings, data), "organiser-heading")

    assert page.lines == [
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NINH BÌNH",
        "GIẤY CHỨNG NHẬN",
        "Ban Tổ chức chứng nhận",
        "Lê Thị Thu Hằng",
        "Yên Khánh",  # a resident: the locality alone
        "đã đạt",
        "Giải Nhất",
        "Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
        TITLE,
        "Ninh Bình, ngày 05 tháng 4 năm 2023",
        "TRƯỞNG BAN GIÁM KHẢO",
        "Phạm Quốc Hưng",
        "Mã xác minh: WQ4T-88ZA",
        f"{SITE}/xac-minh/WQ4T-88ZA",
    ]
    check_page(page, f"{SITE}/xac-minh/WQ4T-88ZA")


@pytest.mark.parametrize("heading", ["motto", "organiser"])
def test_long_names_and_units_wrap_inside_the_frame(heading: str) -> None:
    settings = contest(
        {
            "heading": heading,
            "parent": ["Ủy ban nhân dân tỉnh Ninh Bình", "Ban Chỉ đạo Chuyển đổi số tỉnh"],
            "organiser": "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Ninh Bình",
            "place": "Thành phố Ninh Bình",
        },
        **{"Trưởng Ban Tổ chức": "Tôn Nữ Thị Hoàng Oanh"},
    )
    name = "Công Tôn Nữ Huyền Trân Thị Ngọc Diễm Phương Quỳnh Hương Nguyễn Phước Ưng Đạt"
    unit = (
        "Phòng Hạ tầng số và Chuyển đổi số thuộc Trung tâm Công nghệ thông tin và Truyền "
        "thông, Sở Thông tin và Truyền thông tỉnh Ninh Bình"
    )
    data = holder(name, unit, "Thành phố Tam Điệp", code="LONG-2023-Q1-0001")

    page = read_page(certificate_pdf(settings, data), f"long-holder-{heading}")

    organiser = [
        "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
        "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH",
        "TRUNG TÂM CÔNG NGHỆ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NINH BÌNH",
    ]
    texts = [
        *(MOTTO if heading == "motto" else []),
        *organiser,
        "GIẤY CHỨNG NHẬN",
        "Ban Tổ chức chứng nhận",
        name,
        f"{unit}, Thành phố Tam Điệp",
        "đã đạt",
        "Giải Nhất",
        "Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
        TITLE,
        "Thành phố Ninh Bình, ngày 05 tháng 4 năm 2023",
        "TRƯỞNG BAN TỔ CHỨC",
        "Tôn Nữ Thị Hoàng Oanh",
        "Mã xác minh: LONG-2023-Q1-0001",
        f"{SITE}/xac-minh/LONG-2023-Q1-0001",
    ]
    taken = as_printed(page.lines, texts)
    at = texts.index(name)
    assert taken[at : at + 2] == [2, 2]  # the name and the unit wrapped onto two lines each
    check_page(page, f"{SITE}/xac-minh/LONG-2023-Q1-0001")


def test_every_vietnamese_letter_reads_back_exactly_even_when_typed_decomposed() -> None:
    lower = " ".join(VOWELS)
    upper = lower.upper()
    typed = unicodedata.normalize("NFD", f"{lower} {upper}")
    data = holder(typed, unicodedata.normalize("NFD", upper), "Kim Sơn", code="VN-ALL-LETTERS")

    page = read_page(certificate_pdf(contest(), data), "every-letter")

    as_printed(
        page.lines,
        on_the_sample_contest(f"{lower} {upper}", f"{upper}, Kim Sơn", "VN-ALL-LETTERS"),
    )
    check_page(page, f"{SITE}/xac-minh/VN-ALL-LETTERS")


def test_a_long_verification_address_wraps_beside_the_qr_code() -> None:
    code = "X" * 12
    url = (
        "https://cong-thong-tin-dien-tu.so-thong-tin-truyen-thong.ninhbinh.gov.vn"
        f"/cuoc-thi/chuyen-doi-so/xac-minh/{code}"
    )
    data = replace(holder("Đỗ Minh Khôi", "Sở Y tế", "Gia Viễn"), code=code, verify_url=url)

    page = read_page(certificate_pdf(contest(), data), "long-address")

    assert page.lines[-1] != url  # wrapped
    assert "".join(page.lines[page.lines.index(f"Mã xác minh: {code}") + 1 :]) == url
    check_page(page, url)


def test_a_contest_title_too_long_for_the_page_stops_the_certificate() -> None:
    raw = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    raw["contest"]["title"] = " ".join([TITLE] * 12)
    data = holder("Nguyễn Văn An", "Sở Tư pháp", "Hoa Lư")

    with pytest.raises(CertificateError, match="too long to fit"):
        certificate_pdf(validated(raw), data)


def test_a_code_without_its_address_is_refused() -> None:
    with pytest.raises(ValueError, match="verification"):
        replace(holder("Nguyễn Văn An", "Sở Tư pháp", "Hoa Lư"), verify_url="")


def open_font_files() -> list[str]:
    """The font files this process holds open (Linux: /proc/self/fd)."""
    fds = Path("/proc/self/fd")
    found = []
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.endswith(".ttf"):
                found.append(target)
    return found


def test_a_certificate_that_cannot_be_made_leaves_no_font_file_open() -> None:
    raw = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    raw["contest"]["title"] = " ".join([TITLE] * 12)
    before = open_font_files()

    with pytest.raises(CertificateError) as caught:
        certificate_pdf(validated(raw), holder("Nguyễn Văn An", "Sở", "Hoa Lư"))

    # The error's traceback still holds the drawing; its font files are closed all the same.
    assert caught.value is not None
    assert open_font_files() == before
