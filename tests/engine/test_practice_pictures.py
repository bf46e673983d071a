"""A practice bank whose questions have pictures: the pictures are stored with them and shown
with the practice questions, as in a round."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from tests.support.client import Person
from tests.support.lists import contest_with

PNG = b"\x89PNG\r\n\x1a\n" + b"\x05" * 40
QUESTION = (
    "  - text: Ảnh {i} là biểu tượng của ứng dụng nào?\n"
    "    options: [VNeID {i}, Zalo {i}]\n"
    "    answer: A\n"
    "    image: images/bieu-tuong.png\n"
)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "thi-thu"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "bieu-tuong.png").write_bytes(PNG)
    bank = folder / "thi-thu.yaml"
    bank.write_text("questions:\n" + "".join(QUESTION.format(i=i) for i in range(3)), "utf-8")
    return settings.model_copy(update={"contest_file": contest_with(tmp_path, practice_bank=bank)})


async def test_a_practice_question_shows_its_picture(app: App, person: Person) -> None:
    await person.register()
    await person.send("/thithu")

    question = person.last_question()
    assert question.image
    assert await app.svc.questions.image(question.image) == ("image/png", PNG)
    await person.tap("A")
    echo = next(m for m in person.messages() if m.replace is not None)
    assert echo.image == question.image  # the answer edits the caption, the picture stays
