"""Pictures in questions: a bank names an image (YAML `image`, the `Ảnh` column); on disk it is
beside the bank file, in an upload it comes in a .zip with an images/ folder. Only PNG and
JPEG of at most 1024 KB are taken; every problem is named."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from questions import BankError, load_bank, load_bank_bytes
from questions.isolated import load_bank_isolated
from tests.questions.conftest import xlsx_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
YAML = (
    "bank: co-anh\n"
    "questions:\n"
    "  - text: Biểu tượng trong ảnh là của ứng dụng nào?\n"
    "    options: [VNeID, Zalo]\n"
    "    answer: A\n"
    "    image: {image}\n"
    "  - text: Ngày Chuyển đổi số quốc gia là ngày nào?\n"
    "    options: [10/10, 3/6]\n"
    "    answer: A\n"
)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_yaml_bank_on_disk_finds_its_picture_beside_it(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "vneid.png").write_bytes(PNG)
    path = tmp_path / "co-anh.yaml"
    path.write_text(YAML.format(image="./images/vneid.png"), encoding="utf-8")

    bank = load_bank(path)

    assert [q.image for q in bank.questions] == ["images/vneid.png", ""]
    assert bank.images == {"images/vneid.png": PNG}


def test_a_zip_with_a_workbook_and_its_images_folder_loads(tmp_path: Path) -> None:
    workbook = xlsx_bytes(
        [
            ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng", "Ảnh"],
            ["Biểu tượng trong ảnh là của ứng dụng nào?", "VNeID", "Zalo", "A", "images/a.jpg"],
        ]
    )
    data = _zip({"ngan-hang/cau-hoi.xlsx": workbook, "ngan-hang/images/a.jpg": JPEG})

    bank = load_bank_bytes(data, "ngan-hang.zip")

    assert bank.name == "cau-hoi"
    assert bank.questions[0].image == "images/a.jpg"
    assert bank.images == {"images/a.jpg": JPEG}


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({}, "không tìm thấy ảnh 'images/vneid.png'"),
        ({"images/vneid.png": GIF}, "ảnh 'images/vneid.png' không phải ảnh PNG hay JPEG"),
        (
            {"images/vneid.png": PNG + b"\x00" * (1024 * 1024)},
            "ảnh 'images/vneid.png' nặng 1025 KB, tối đa 1024 KB",
        ),
    ],
)
def test_a_missing_or_wrong_picture_refuses_the_whole_bank(
    files: dict[str, bytes], problem: str
) -> None:
    data = _zip({"co-anh.yaml": YAML.format(image="images/vneid.png").encode(), **files})

    with pytest.raises(BankError) as caught:
        load_bank_bytes(data, "co-anh.zip")

    assert caught.value.problems == [("co-anh.yaml", problem)]


def test_a_bank_file_sent_alone_cannot_bring_its_pictures() -> None:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(YAML.format(image="images/vneid.png").encode(), "co-anh.yaml")

    assert caught.value.problems == [
        (
            "co-anh.yaml",
            "câu hỏi có ảnh ('images/vneid.png') nhưng ảnh không được gửi kèm; hãy gửi tệp .zip "
            "gồm tệp ngân hàng câu hỏi và thư mục images/ chứa ảnh",
        )
    ]


def test_a_picture_outside_the_banks_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    folder = tmp_path / "bank"
    folder.mkdir()
    path = folder / "co-anh.yaml"
    path.write_text(YAML.format(image="../secret.png"), encoding="utf-8")

    with pytest.raises(BankError) as caught:
        load_bank(path)

    assert caught.value.problems == [("co-anh.yaml", "không tìm thấy ảnh '../secret.png'")]


def test_a_zip_needs_exactly_one_bank_file() -> None:
    data = _zip({"a.yaml": b"questions: []", "b.csv": b"", "images/x.png": PNG})

    with pytest.raises(BankError) as caught:
        load_bank_bytes(data, "hai-tep.zip")

    assert caught.value.problems == [
        (
            "hai-tep.zip",
            "tệp .zip cần đúng một tệp ngân hàng câu hỏi (.xlsx, .csv, .txt, .yaml) và thư mục "
            "images/ chứa ảnh; tìm thấy: a.yaml, b.csv",
        )
    ]


async def test_an_uploaded_zip_is_parsed_in_the_child_and_its_pictures_read_here() -> None:
    data = _zip({"co-anh.yaml": YAML.format(image="images/v.png").encode(), "images/v.png": PNG})

    bank = await load_bank_isolated(data, "co-anh.zip")

    assert bank.name == "co-anh"
    assert bank.images == {"images/v.png": PNG}
