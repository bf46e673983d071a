"""The contest file: the real one loads as the plan says, a wrong one is refused by field name."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app
from handlers.contest import ContestConfig, ContestFileError, load_contest

ROOT = Path(__file__).resolve().parents[1]
CONTEST_FILE = ROOT / "contest.yaml"
VN = ZoneInfo("Asia/Ho_Chi_Minh")

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def contest() -> ContestConfig:
    return load_contest(CONTEST_FILE)


@pytest.mark.parametrize(
    ("code", "opens", "closes"),
    [
        ("2023-Q1", (2023, 2, 15), (2023, 3, 30)),
        ("2023-Q2", (2023, 4, 1), (2023, 6, 30)),
        ("2023-Q3", (2023, 7, 1), (2023, 9, 30)),
        ("2023-Q4", (2023, 10, 1), (2023, 11, 30)),
    ],
)
def test_round_windows_are_the_plans_local_days(
    contest: ContestConfig, code: str, opens: tuple[int, int, int], closes: tuple[int, int, int]
) -> None:
    start, end = contest.window(code)

    assert start == datetime(*opens, 0, 0, 0, tzinfo=VN)
    assert end == datetime(*closes, 23, 59, 59, tzinfo=VN)
    assert start.utcoffset() is not None
    assert end.astimezone(VN).strftime("%H:%M:%S") == "23:59:59"


def test_the_real_contest_file_matches_the_plan(contest: ContestConfig) -> None:
    assert [r.code for r in contest.rounds] == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    assert [(p.tier.value, p.count) for p in contest.prizes] == [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("consolation", 4),
    ]
    assert len(contest.localities) == 8
    assert "Hoa Lư" in contest.localities
    assert contest.rules.questions_per_attempt == 10
    assert contest.rules.time_limit_minutes == 10
    assert contest.contest.timezone == "Asia/Ho_Chi_Minh"


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    data["localities"] = str(CONTEST_FILE.parent / data["localities"])
    return data


def _write(tmp_path: Path, edit: Edit) -> Path:
    data = _raw()
    edit(data)
    path = tmp_path / "contest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set(path: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is _DELETE:
            del node[last]
        else:
            node[int(last) if isinstance(node, list) else last] = value

    return edit


_DELETE = object()


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        pytest.param(_set("rules.prediction", _DELETE), "rules.prediction", id="no-prediction"),
        pytest.param(
            _set("rules.questions_per_attempt", 0), "rules.questions_per_attempt", id="zero-qs"
        ),
        pytest.param(_set("rounds.1.opens", "2023-03-30"), "rounds", id="overlap"),
        pytest.param(_set("rounds.0.closes", "2023-02-14"), "rounds", id="closes-first"),
        pytest.param(_set("excluded_phones", ["0912 345"]), "excluded_phones", id="bad-phone"),
        pytest.param(_set("rules.time_limit", 10), "rules.time_limit", id="unknown-key"),
        pytest.param(_set("prize", []), "prize", id="unknown-top-key"),
        pytest.param(_set("contest.timezone", "Asia/Hanoi_City"), "contest.timezone", id="tz"),
        pytest.param(_set("prizes.1.tier", "first"), "prizes", id="tier-twice"),
        pytest.param(_set("localities", []), "localities", id="no-localities"),
        pytest.param(
            _set("consent.version", "phiên bản 2"), "consent.version", id="consent-version"
        ),
        pytest.param(_set("data_retention_days", 0), "data_retention_days", id="retention-0"),
        pytest.param(
            _set("contest.sign_off", [{"title": " ", "name": "Lê Văn A"}]),
            "contest.sign_off",
            id="sign-off-blank-title",
        ),
        pytest.param(
            _set("contest.sign_off", [{"title": "Trưởng ban", "chuc_vu": "x"}]),
            "contest.sign_off",
            id="sign-off-unknown-key",
        ),
        pytest.param(
            _set("contest.sign_off", [{"title": f"Thành viên {i}"} for i in range(5)]),
            "contest.sign_off",
            id="sign-off-too-many",
        ),
        pytest.param(_set("contest.sign_off", []), "contest.sign_off", id="sign-off-empty"),
        pytest.param(
            _set("contest.sign_off", "Trưởng ban"), "contest.sign_off", id="sign-off-text"
        ),
        pytest.param(
            _set("contest.certificate.heading", "quoc-huy"),
            "contest.certificate.heading",
            id="certificate-heading",
        ),
        pytest.param(
            _set("contest.certificate.parent", ["UBND TỈNH", "BAN CHỈ ĐẠO", "TỔ GIÚP VIỆC"]),
            "contest.certificate.parent",
            id="certificate-three-parents",
        ),
        pytest.param(
            _set("contest.certificate.parent", [" "]),
            "contest.certificate.parent.0",
            id="certificate-blank-parent",
        ),
        pytest.param(
            _set("contest.certificate.signer", 0),
            "contest.certificate.signer",
            id="certificate-signer-zero",
        ),
        pytest.param(
            _set("contest.certificate.signer", True),
            "contest.certificate.signer",
            id="certificate-signer-yes",
        ),
        pytest.param(
            _set("contest.certificate.nguoi_ky", 2),
            "contest.certificate.nguoi_ky",
            id="certificate-unknown-key",
        ),
        pytest.param(
            _set("contest.certificate", "motto"), "contest.certificate", id="certificate-text"
        ),
    ],
)
def test_wrong_contest_file_names_the_field(tmp_path: Path, edit: Edit, field: str) -> None:
    path = _write(tmp_path, edit)

    with pytest.raises(ContestFileError) as caught:
        load_contest(path)

    message = str(caught.value)
    assert str(path) in message
    assert re.search(rf"(^|\s){re.escape(field)}[.:]", message, re.MULTILINE), message


def test_overlapping_rounds_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, _set("rounds.1.opens", "2023-03-30"))

    with pytest.raises(ContestFileError, match="2023-Q1 and 2023-Q2 overlap"):
        load_contest(path)


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contest.yaml"
    path.write_text("contest: {code: x\nrules: [\n", encoding="utf-8")

    with pytest.raises(ContestFileError, match="not valid YAML") as caught:
        load_contest(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContestFileError, match="file not found"):
        load_contest(tmp_path / "nowhere.yaml")


def test_prizes_listed_out_of_order_are_still_given_best_first(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda data: data["prizes"].reverse())

    tiers = [p.tier.value for p in load_contest(path).prizes]

    assert tiers == ["first", "second", "third", "consolation"]


def test_sign_off_defaults_to_the_three_usual_signers_with_names_left_to_write(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, _set("contest.sign_off", _DELETE))

    sign_off = load_contest(path).contest.sign_off

    assert [(s.title, s.name) for s in sign_off] == [
        ("Người lập biểu", ""),
        ("Trưởng Ban Giám khảo", ""),
        ("Trưởng Ban Tổ chức", ""),
    ]


def test_sign_off_names_are_read_as_written(tmp_path: Path) -> None:
    signers = [{"title": "TM. Ban Tổ chức", "name": "  Nguyễn Văn Bình "}]
    path = _write(tmp_path, _set("contest.sign_off", signers))

    [signer] = load_contest(path).contest.sign_off

    assert (signer.title, signer.name) == ("TM. Ban Tổ chức", "Nguyễn Văn Bình")


def test_excluded_phones_are_normalised(tmp_path: Path) -> None:
    path = _write(tmp_path, _set("excluded_phones", ["0912 345 678", "84987654321"]))

    assert load_contest(path).excluded_phones == ["+84912345678", "+84987654321"]


COMMANDS = [
    pytest.param(["rounds"], id="rounds"),
    pytest.param(["rounds", "open", "2023-Q1"], id="rounds-open"),
    pytest.param(["results", "2023-Q1"], id="results"),
    pytest.param(["chat", "--at", "2023-02-20T08:00"], id="chat"),
    pytest.param(["demo", "--participants", "1"], id="demo"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_with_a_broken_contest_file_exits_naming_the_field(
    tmp_path: Path, command: list[str]
) -> None:
    path = _write(tmp_path, _set("rules.questions_per_attempt", 0))
    env = {"CONTEST_FILE": str(path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    if command[0] == "demo":
        command = [*command, "--out", str(tmp_path / "demo")]

    result = CliRunner().invoke(app, command, env=env)

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    flat = " ".join(result.output.split())
    assert "Tệp cấu hình cuộc thi không hợp lệ" in flat
    assert "rules.questions_per_attempt" in flat, result.output


def test_cli_shows_a_yaml_error_with_its_brackets(tmp_path: Path) -> None:
    path = tmp_path / "contest.yaml"
    path.write_text("rules: [a, b]]\n", encoding="utf-8")
    env = {"CONTEST_FILE": str(path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}

    result = CliRunner().invoke(app, ["rounds"], env=env)

    assert result.exit_code == 2
    assert "not valid YAML" in " ".join(result.output.split())
    assert "rules: [a, b]]" in result.output, result.output


@pytest.mark.parametrize(
    ("signer", "says"),
    [
        (4, "signer: 4 but sign_off lists 3 signatories"),
        ("Giám đốc Sở", "signer: 'Giám đốc Sở' is not a title in sign_off"),
    ],
)
def test_a_certificate_signer_not_in_the_sign_off_is_refused(
    tmp_path: Path, signer: object, says: str
) -> None:
    path = _write(tmp_path, _set("contest.certificate.signer", signer))

    with pytest.raises(ContestFileError) as caught:
        load_contest(path)

    assert f"{path}: contest.certificate: Value error, {says}" in str(caught.value)


@pytest.mark.parametrize(
    ("certificate", "title"),
    [
        ({}, "Trưởng Ban Tổ chức"),
        ({"signer": 2}, "Trưởng Ban Giám khảo"),
        ({"signer": "  trưởng ban   giám khảo "}, "Trưởng Ban Giám khảo"),
    ],
)
def test_the_certificates_are_signed_by_the_chosen_signer_or_the_committees_head(
    tmp_path: Path, certificate: dict[str, Any], title: str
) -> None:
    path = _write(tmp_path, _set("contest.certificate", certificate))

    assert load_contest(path).contest.certificate_signer.title == title


def test_without_a_committee_head_the_last_signer_signs_the_certificates(
    tmp_path: Path,
) -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["contest"]["certificate"]
        data["contest"]["sign_off"] = [{"title": "Người lập biểu"}, {"title": "Giám đốc Sở"}]

    contest = load_contest(_write(tmp_path, edit))

    assert contest.contest.certificate_signer.title == "Giám đốc Sở"
    assert contest.contest.certificate.heading == "organiser"


@pytest.mark.parametrize("command", [["run"], ["certificates", "2023-Q1", "--out", "gcn"]])
def test_a_bad_certificate_section_stops_the_start_naming_the_field(
    tmp_path: Path, command: list[str]
) -> None:
    path = _write(tmp_path, _set("contest.certificate.heading", "quoc-huy"))
    env = {"CONTEST_FILE": str(path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}

    result = CliRunner().invoke(app, command, env=env)

    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "Tệp cấu hình cuộc thi không hợp lệ" in flat
    assert "contest.certificate.heading: Input should be 'organiser' or 'motto'" in flat
