"""The plan file (docs/plan-format.md): export, import and the two management commands."""

import copy
import datetime
import json
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directory.services import import_places, import_units
from plans.models import Plan, PlanBlock
from plans.planfile import PlanFileError, export_plan, import_plan, parse_plan_bytes
from sessions.models import Session

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILES = ROOT / "plans" / "seeds"
DIRECTORY_DATA = ROOT / "directory" / "data"
SEED_FILES = sorted(path.name for path in PLAN_FILES.glob("*.json"))


@pytest.fixture
def directory(db):
    import_places(text=(DIRECTORY_DATA / "places.csv").read_text(encoding="utf-8"))
    import_units(text=(DIRECTORY_DATA / "units.csv").read_text(encoding="utf-8"))


def _seed(name: str) -> dict:
    return json.loads((PLAN_FILES / name).read_text(encoding="utf-8"))


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------- round trip


def test_seed_files_are_the_five_seeds():
    assert SEED_FILES == [
        "000_tuy_phuoc_2024.json",
        "001_sa_loong_2023.json",
        "002_hong_ngu_2022.json",
        "003_nhon_hung_2024.json",
        "004_gia_lai_2024.json",
    ]


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_file_import_then_export_is_equal(directory, name):
    data = _seed(name)

    plan = import_plan(data=copy.deepcopy(data), keep_status=True)

    assert export_plan(plan) == data


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_file_text_is_nfc_pretty_printed_export(name):
    text = (PLAN_FILES / name).read_text(encoding="utf-8")

    assert text == unicodedata.normalize("NFC", text)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_export_import_round_trip_without_keep_status_is_a_draft(directory):
    issued = import_plan(data=_seed("004_gia_lai_2024.json"), keep_status=True)
    exported = export_plan(issued)

    again = import_plan(data=copy.deepcopy(exported))

    # Documented: an imported plan is a draft with no number or date (ids are not in the file).
    assert export_plan(again) == {**exported, "status": "draft", "number": None, "issued_on": None}
    assert (again.status, again.number, again.number_year) == ("draft", None, None)


def test_import_keep_status_keeps_number_and_sets_number_year(directory):
    plan = import_plan(data=_seed("003_nhon_hung_2024.json"), keep_status=True)

    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on, plan.number_year) == (
        "issued",
        22,
        datetime.date(2024, 2, 9),
        2024,
    )


def test_import_seed_000_keeps_the_quota_slip_as_data(directory):
    plan = import_plan(data=_seed("000_tuy_phuoc_2024.json"))

    fifth = plan.sessions.get(position=4)
    assert (fifth.host_commune.code, [(q.place.code, q.count) for q in fifth.quotas.all()]) == (
        "52-550-09",
        [("52-550-08", 150)],
    )


def test_import_seed_002_cluster_totals_add_up(directory):
    plan = import_plan(data=_seed("002_hong_ngu_2022.json"))

    totals = [
        (s.total_participants, sum(group.total for group in s.composition.all())) for s in plan.sessions.all()
    ]
    assert totals == [(100, 100), (69, 69), (75, 75), (100, 100)]


def test_import_stores_text_in_nfc(directory):
    data = _seed("001_sa_loong_2023.json")
    data["signer_name"] = unicodedata.normalize("NFD", "Nguyễn Hữu Bảng")

    plan = import_plan(data=data)

    assert plan.signer_name == unicodedata.normalize("NFC", "Nguyễn Hữu Bảng")


# ---------------------------------------------------------------- errors


def test_import_bad_file_lists_every_error_and_saves_nothing(directory):
    import_plan(data=_seed("003_nhon_hung_2024.json"))
    counts = (Plan.objects.count(), PlanBlock.objects.count(), Session.objects.count())
    data = _seed("000_tuy_phuoc_2024.json")
    data["kind"] = "festival"
    data["budget_lines"][0]["amount"] = "abc"
    data["colour"] = "đỏ"
    data["blocks"][1]["children"][0]["children"][0]["kind"] = "table"
    data["sessions"][0]["communes"] = ["52-550-03", "52-550-99"]
    data["blocks"].append({"kind": "paragraph", "text": "Đoạn văn nằm ngoài mục lớn."})

    with pytest.raises(PlanFileError) as excinfo:
        import_plan(data=data)

    assert excinfo.value.errors == [
        "colour: trường không có trong định dạng tệp kế hoạch.",
        "kind: Giá trị 'festival' không phải là lựa chọn hợp lệ.",
        "blocks[1].children[0].children[0].kind: Giá trị 'table' không phải là lựa chọn hợp lệ.",
        "blocks[5].kind: khối ở cấp ngoài cùng phải là mục lớn (section).",
        "budget_lines[0].amount: «abc» phải là số nguyên.",
        "sessions[0].communes[1]: không có địa bàn mã «52-550-99» trong danh mục.",
    ]
    assert (Plan.objects.count(), PlanBlock.objects.count(), Session.objects.count()) == counts


def test_import_values_of_the_wrong_type_give_vietnamese_errors(directory):
    data = _seed("004_gia_lai_2024.json")
    data["issued_on"] = "24/02/2024"
    data["replaces_date"] = "2023-02-30"
    data["preamble_new_paragraph"] = "có"
    data["question_lead_days"] = 1.5
    data["recipients"][0]["name"] = 5
    data["sessions"][0]["start_time"] = "8h"

    with pytest.raises(PlanFileError) as excinfo:
        import_plan(data=data)

    assert excinfo.value.errors == [
        "preamble_new_paragraph: «có» phải là true hoặc false.",
        "question_lead_days: «1.5» phải là số nguyên.",
        "issued_on: «24/02/2024» không đúng định dạng ngày (YYYY-MM-DD).",
        "replaces_date: «2023-02-30» không phải là một ngày có thật.",
        "recipients[0].name: phải là chuỗi văn bản.",
        "sessions[0].start_time: «8h» không đúng định dạng giờ (HH:MM).",
    ]
    assert Plan.objects.count() == 0


def test_import_database_rules_are_errors_with_a_path_not_crashes(directory):
    data = _seed("000_tuy_phuoc_2024.json")
    data["draft_month"] = 13
    data["sessions"][0]["month"] = None
    data["sessions"][1].update(time_kind="quarter", quarter=5, year=2024)
    data["sessions"][2].update(time_kind="exact")
    data["sessions"][2]["quotas"].append({"place": "52-550-07", "count": 5})
    data["sessions"][3]["communes"] = "52-550-08"

    with pytest.raises(PlanFileError) as excinfo:
        import_plan(data=data)

    assert excinfo.value.errors == [
        "draft_month: tháng của dự thảo phải từ 1 đến 12.",
        "sessions[0].month: cần tháng (1–12) khi time_kind là «month».",
        "sessions[1].quarter: cần quý (1–4) khi time_kind là «quarter».",
        "sessions[2].date: cần ngày (YYYY-MM-DD) khi time_kind là «exact».",
        "sessions[2].quotas[2].place: «52-550-07» đã có số lượng ở dòng trước của phiên này.",
        "sessions[3].communes: phải là một danh sách mã địa bàn ([…]).",
    ]
    assert Plan.objects.count() == 0


def test_import_keep_status_with_a_number_already_taken_is_an_error(directory):
    import_plan(data=_seed("003_nhon_hung_2024.json"), keep_status=True)

    with pytest.raises(PlanFileError) as excinfo:
        import_plan(data=_seed("003_nhon_hung_2024.json"), keep_status=True)

    assert excinfo.value.errors == ["number: đã có kế hoạch số 22/KH-UBND năm 2024 của phường Nhơn Hưng."]
    assert Plan.objects.count() == 1


# ---------------------------------------------------------------- commands


def test_import_plan_command_prints_the_new_plan_id(directory, tmp_path):
    path = _write(tmp_path / "plan.json", _seed("000_tuy_phuoc_2024.json"))
    out = StringIO()

    call_command("import_plan", str(path), stdout=out)

    plan = Plan.objects.get()
    assert out.getvalue() == f"{plan.pk}\n"
    assert (plan.status, plan.summary) == ("draft", _seed("000_tuy_phuoc_2024.json")["summary"])


def test_import_plan_command_keep_status_keeps_the_number(directory, tmp_path):
    path = _write(tmp_path / "plan.json", _seed("003_nhon_hung_2024.json"))

    call_command("import_plan", str(path), "--keep-status", stdout=StringIO())

    assert list(Plan.objects.values_list("status", "number")) == [("issued", 22)]


def test_import_plan_command_bad_file_prints_errors_exits_non_zero_and_saves_nothing(directory, tmp_path):
    data = _seed("000_tuy_phuoc_2024.json")
    data["colour"] = "đỏ"
    data["budget_lines"][0]["amount"] = "abc"
    path = _write(tmp_path / "plan.json", data)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(path), stdout=out, stderr=err)

    assert (str(excinfo.value), excinfo.value.returncode) == ("Tệp kế hoạch có 2 lỗi; không lưu gì.", 1)
    assert err.getvalue() == (
        "colour: trường không có trong định dạng tệp kế hoạch.\nbudget_lines[0].amount: «abc» phải là số nguyên.\n"
    )
    assert out.getvalue() == ""
    assert Plan.objects.count() == 0


def test_import_plan_command_invalid_json_names_line_and_column(db, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(
        '{\n  "file": "dialogue-plan",\n  "version": 1\n  "issuer": "52-550"\n}\n', encoding="utf-8"
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(path), stdout=StringIO(), stderr=StringIO())

    assert str(excinfo.value) == f"Tệp «{path}» không phải JSON hợp lệ: thiếu dấu phẩy (dòng 4, cột 3)."
    assert Plan.objects.count() == 0


def test_import_plan_command_reads_a_file_with_bom(directory, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(
        (PLAN_FILES / "000_tuy_phuoc_2024.json").read_text(encoding="utf-8"), encoding="utf-8-sig"
    )
    out = StringIO()

    call_command("import_plan", str(path), stdout=out)

    assert out.getvalue() == f"{Plan.objects.get().pk}\n"


def test_parse_plan_bytes_bom_and_vietnamese_reasons():
    assert parse_plan_bytes(b"\xef\xbb\xbf" + '{"tên": "Phước Hòa"}'.encode()) == {"tên": "Phước Hòa"}
    with pytest.raises(PlanFileError) as excinfo:
        parse_plan_bytes(b'{"a": 1 "b": 2}', name="ke-hoach.json")
    assert excinfo.value.errors == [
        "Tệp «ke-hoach.json» không phải JSON hợp lệ: thiếu dấu phẩy (dòng 1, cột 9)."
    ]
    with pytest.raises(PlanFileError) as excinfo:
        parse_plan_bytes(b"")
    assert excinfo.value.errors == ["Tệp không phải JSON hợp lệ: thiếu giá trị (dòng 1, cột 1)."]
    with pytest.raises(PlanFileError) as excinfo:
        parse_plan_bytes("{}".encode("utf-16"))
    assert excinfo.value.errors == ["Tệp không phải văn bản UTF-8, không đọc được."]


def test_import_plan_command_missing_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(tmp_path / "khong-co.json"))

    assert str(excinfo.value) == f"Không đọc được tệp «{tmp_path / 'khong-co.json'}»."


def test_export_plan_command_prints_the_plan_file(directory):
    plan = import_plan(data=_seed("004_gia_lai_2024.json"), keep_status=True)
    out = StringIO()

    call_command("export_plan", str(plan.pk), stdout=out)

    assert out.getvalue() == (PLAN_FILES / "004_gia_lai_2024.json").read_text(encoding="utf-8")


def test_export_plan_command_out_writes_the_file(directory, tmp_path):
    plan = import_plan(data=_seed("002_hong_ngu_2022.json"), keep_status=True)
    out = StringIO()

    call_command("export_plan", str(plan.pk), "--out", str(tmp_path / "ke-hoach.json"), stdout=out)

    written = (tmp_path / "ke-hoach.json").read_text(encoding="utf-8")
    assert written == (PLAN_FILES / "002_hong_ngu_2022.json").read_text(encoding="utf-8")
    assert out.getvalue() == f"Đã ghi kế hoạch {plan.pk} vào «{tmp_path / 'ke-hoach.json'}».\n"


def test_export_plan_command_unknown_id_is_an_error(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("export_plan", "987654")

    assert str(excinfo.value) == "Không có kế hoạch mã 987654."
