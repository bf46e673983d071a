"""An uploaded bank is parsed in a child process: a hostile file is refused, the bot serves on.

The child's cost is read from this process's RUSAGE_CHILDREN: the CPU time of the children
waited for during the test, and the largest resident size of any child waited for so far
(an upper bound of this child's). The limits checked are generous; they are not timings.
"""

from __future__ import annotations

import asyncio
import resource
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import app as cli
from handlers.events import Upload
from questions import BankError, load_bank_bytes
from questions.isolated import TOO_MUCH_MEMORY, TOO_MUCH_TIME, Limits, load_bank_isolated
from questions.public import BANKS
from tests.questions import bombs
from tests.support.client import Person

SAMPLE = BANKS / "chuyen-doi-so-2023.yaml"
MB = 1024 * 1024


def child_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


async def test_a_bank_loads_in_the_child_as_it_does_in_process() -> None:
    data = SAMPLE.read_bytes()

    bank = await load_bank_isolated(data, "chuyen-doi-so-2023.yaml")

    assert bank == load_bank_bytes(data, "chuyen-doi-so-2023.yaml")
    assert len(bank.questions) == 100


@pytest.mark.parametrize(
    ("filename", "make", "problem"),
    [
        ("bom.yaml", bombs.alias_bomb, "neo hoặc bí danh"),
        ("cau-hoi.xlsx", bombs.shared_strings_xlsx, "chuỗi văn bản"),
        ("cau-hoi.xlsx", bombs.zip_bomb_xlsx, "giải nén quá lớn"),
        ("cau-hoi.xlsx", bombs.cells_xlsx, "ô, hãy xoá"),
    ],
)
async def test_each_bomb_is_refused_by_the_child_within_bounded_cpu_and_memory(
    filename: str, make: Callable[[], bytes], problem: str
) -> None:
    data = make()
    cpu_before = child_cpu()

    with pytest.raises(BankError) as refused:
        await load_bank_isolated(data, filename)

    assert problem in str(refused.value)
    assert child_cpu() - cpu_before < 5
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < Limits().memory_bytes


async def test_a_file_needing_more_memory_than_the_child_may_use_is_refused_saying_so() -> None:
    small = Limits(memory_bytes=64 * MB)
    # The largest real bank needs about 70 MB; the sample bank fits.
    assert (await load_bank_isolated(SAMPLE.read_bytes(), "mau.yaml", small)).questions

    with pytest.raises(BankError) as refused:
        await load_bank_isolated(bombs.largest_bank_xlsx(), "lon.xlsx", small)

    assert refused.value.problems == [("lon.xlsx", TOO_MUCH_MEMORY)]


async def test_a_file_needing_more_cpu_time_than_the_child_may_use_is_refused_saying_so() -> None:
    # About 3 s of CPU: a sheet of 470,000 empty cells, just under the cells limit.
    data = bombs.cells_xlsx(rows=9_400, columns=50)
    cpu_before = child_cpu()

    with pytest.raises(BankError) as refused:
        await load_bank_isolated(data, "cau-hoi.xlsx", Limits(cpu_seconds=1))

    assert refused.value.problems == [("cau-hoi.xlsx", TOO_MUCH_TIME)]
    assert child_cpu() - cpu_before < 3  # stopped at the limit (SIGKILL a second later)


async def test_a_child_still_parsing_at_the_deadline_is_stopped_and_the_file_refused() -> None:
    # No Python starts, let alone reads a bank, in 10 ms.
    with pytest.raises(BankError) as refused:
        await load_bank_isolated(SAMPLE.read_bytes(), "mau.yaml", Limits(wall_seconds=0.01))

    assert refused.value.problems == [("mau.yaml", TOO_MUCH_TIME)]


def test_the_command_line_refuses_a_bomb_with_the_message(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.yaml"
    bomb.write_bytes(bombs.alias_bomb())

    result = CliRunner().invoke(cli, ["questions", "validate", str(bomb)])

    assert result.exit_code == 1
    assert "Tệp bom.yaml có lỗi, không nhập câu nào" in result.output
    assert "neo hoặc bí danh" in result.output


async def test_an_organiser_uploading_a_bomb_is_refused_while_participants_are_served(
    app: App,
) -> None:
    app.svc.admins = frozenset({"telegram:9000"})
    organiser = Person.on(app, "telegram", "9000", "BTC")
    participant = Person.on(app, "telegram", "1001", "An")
    bomb = bombs.shared_strings_xlsx()

    upload = asyncio.create_task(
        organiser.event(Upload(organiser.user, "cau-hoi.xlsx", bomb, size=len(bomb)))
    )
    await participant.send("/start")

    assert "Xin chào" in participant.said
    assert not upload.done(), "the participant waited for the file to be parsed"
    refused = Person.texts(await upload)
    assert len(refused) == 1
    assert "Tệp cau-hoi.xlsx có 1 lỗi, chưa nhập câu nào" in refused[0]
    assert "chuỗi văn bản, không phải một ngân hàng câu hỏi" in refused[0]
    assert await app.store.take_upload("telegram:9000") is None


@pytest.mark.parametrize(
    "filename", ["a\x00b.csv", "\u202eslx.csv", "🙂 câu hỏi.csv", "x\udcff.csv"]
)
async def test_a_file_of_any_name_is_read_in_the_child_as_in_process(filename: str) -> None:
    data = "Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nMột?,Có,Không,A\n".encode()

    assert await load_bank_isolated(data, filename) == load_bank_bytes(data, filename)
