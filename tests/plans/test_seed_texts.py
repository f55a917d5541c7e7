"""Each seed plan file prints the seed document's words (../shared/seeds/*.txt).

The printed text (PlanDocument.text_lines()) is compared with the seed clause by clause
(tests/seedtext.py): at least THRESHOLD of the seed's clauses must be printed, and nothing
may be printed that the seed lacks (apart from the header lines the .txt files lack). Every
known difference is listed below as a named Allowance with its reason; the threshold is
never lowered to make room for an unexplained one.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from directory.services import import_places, import_units
from plans.planfile import import_plan
from plans.rendering import build_document, load_plan_for_document

from ..seedtext import Allowance, compare

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXTS = ROOT.parent / "shared" / "seeds"
PLAN_FILES = ROOT / "plans" / "seeds"
DIRECTORY_DATA = ROOT / "directory" / "data"
THRESHOLD = 0.97

pytestmark = pytest.mark.skipif(not SEED_TEXTS.is_dir(), reason=f"seed texts not found in {SEED_TEXTS}")


@dataclass(frozen=True)
class SeedCase:
    plan_file: str
    seed_file: str
    allowances: tuple[Allowance, ...] = ()
    # The .txt files lack the agency header; seed 002's also lacks the number and date lines.
    has_number_and_date: bool = True
    # Seed 002's extraction broke every printed line (at about 70 characters).
    wrap_width: int | None = None


SEED_000 = SeedCase(
    "000_tuy_phuoc_2024.json",
    "000_05b4f71489e0d05e.txt",
    allowances=(
        Allowance(
            "000 Ghi chú cell of row 1 ends with ';'",
            "Phước Thắng: 50 người;",
            "Phước Thắng: 50 người",
            "seed's typing slip: the quota list in the Ghi chú cell of session 1 ends with a "
            "stray ';'; the table prints the quotas joined by '; ' with nothing after the last",
        ),
        Allowance(
            "000 Ghi chú cell of row 2 ends with '.'",
            "Phước Nghĩa: 50 người.",
            "Phước Nghĩa: 50 người",
            "seed's typing slip: the Ghi chú cell of session 2 ends with a full stop, the other cells do not",
        ),
    ),
)

SEED_001 = SeedCase(
    "001_sa_loong_2023.json",
    "001_29db899dcadbf494.txt",
    allowances=(
        Allowance(
            "001 '- +' sub-bullets",
            "- + ",
            "+ ",
            "PDF extraction put the list dash in front of the seed's '+' sub-bullets; they print as '+ …'",
        ),
        Allowance(
            "001 '1.1.' restart under section II.2",
            "1.1. Thành phần và số lượng tham gia đối thoại:",
            "2.1. Thành phần và số lượng tham gia đối thoại:",
            "seed's numbering slip: under '2. Quý III/2023.' the seed restarts at '1.1.'; numbers are computed",
            occurrence=2,
        ),
        Allowance(
            "001 '2.' for the second quarter's content",
            "2. Nội dung đối thoại:",
            "2.2. Nội dung đối thoại:",
            "seed's numbering slip: the content of the Quý III dialogue is typed '2.' at the wrong level; "
            "it is the second heading under '2. Quý III/2023.'",
        ),
        Allowance(
            "001 '2.1.' topic",
            "2.1. Chủ đề:",
            "2.2.1. Chủ đề:",
            "follows from the '2.' slip: the topic is the first heading under 2.2.",
        ),
        Allowance(
            "001 '2.2.' content",
            "2.2. Nội dung:",
            "2.2.2. Nội dung:",
            "follows from the '2.' slip: the content is the second heading under 2.2.",
        ),
    ),
)

SEED_002 = SeedCase(
    "002_hong_ngu_2022.json",
    "002_b1539abcd03d38de.txt",
    has_number_and_date=False,
    wrap_width=50,
    allowances=(
        Allowance(
            "002 cluster 1 names the people's committees",
            "a) Cụm 1 gồm: Ủy ban nhân dân thị trấn Thường Thới Tiền, Ủy ban nhân dân xã Thường Phước 1 "
            "và Thường Phước 2.",
            "a) Cụm 1 gồm: thị trấn Thường Thới Tiền, xã Thường Phước 1 và xã Thường Phước 2.",
            "the clusters block prints a cluster of mixed kinds (a thị trấn and two xã) by place "
            "('thị trấn …, xã … và xã …'); the seed names their people's committees instead",
        ),
        Allowance(
            "002 cluster 2 writes '7 người'",
            "Mỗi xã 7 người x 02 xã:",
            "Mỗi xã 07 người x 02 xã:",
            "seed's typing slip: every other count has two digits ('07 người'), as the composition prints",
        ),
        Allowance(
            "002 cluster 3 writes 'Địa điểm:'",
            "- Địa điểm: Tại Ủy ban nhân dân xã Long Khánh A.",
            "- Địa điểm tổ chức: Tại Ủy ban nhân dân xã Long Khánh A.",
            "seed's slip: clusters 1, 2 and 4 say 'Địa điểm tổ chức:', which the clusters block prints for all",
        ),
    ),
)

SEED_003 = SeedCase("003_nhon_hung_2024.json", "003_4fb07298fc4227c3.txt")

SEED_004 = SeedCase(
    "004_gia_lai_2024.json",
    "004_98e8ba8ec5231294.txt",
    allowances=(
        *(
            Allowance(
                f"004 section {number} in sentence case",
                f"{number} {title}",
                f"{number} {title.upper()}",
                "the seed types section titles I–III in sentence case; sections print in upper case",
            )
            for number, title in [
                ("I.", "Mục đích, yêu cầu"),
                ("II.", "Chủ đề, nội dung, hình thức đối thoại"),
                ("III.", "Thời gian, địa điểm, số lượng và thành phần tham dự:"),
            ]
        ),
        Allowance(
            "004 jumps from III to VI",
            "VI. TỔ CHỨC THỰC HIỆN",
            "IV. TỔ CHỨC THỰC HIỆN",
            "seed's numbering slip: the fourth section is typed 'VI.'; numbers are computed",
        ),
        Allowance(
            "004 comma after the document number",
            "8059/VPCP-QHĐP, ngày",
            "8059/VPCP-QHĐP ngày",
            "seed's typing slip: a comma between the number and 'ngày'; a citation prints "
            "'số {number} ngày {date}'",
        ),
        Allowance(
            "004 drafter's initials",
            "giải quyết./. V. H. H.",
            "giải quyết./.",
            "the drafter's initials typed after the closing are not part of the plan",
        ),
        Allowance(
            "004 recipient without ';'",
            "- Thường trực Hội LHPN tỉnh",
            "- Thường trực Hội LHPN tỉnh;",
            "seed's typing slip: one recipient line lacks its ';'; every recipient prints '- name;'",
        ),
        Allowance(
            "004 archive line without a full stop",
            "- Lưu: VT, QTHC, TTTT, KGVX.h",
            "- Lưu: VT, QTHC, TTTT, KGVX.h.",
            "the archive line always ends with '.'; after the drafter's letter 'h' the seed has none",
        ),
        Allowance(
            "004 signature image",
            "[Handwritten signature]",
            "",
            "the extraction's note for the scanned signature, not text",
        ),
        Allowance(
            "004 appendix page header",
            "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Gia Lai, ngày 24 tháng 02 năm 2024",
            "",
            "the appendix page repeats the agency, the national motto and the date line; the template "
            "prints them but text_lines() leaves page headers out",
        ),
    ),
)

CASES = [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004]


@pytest.fixture
def directory(db):
    import_places(text=(DIRECTORY_DATA / "places.csv").read_text(encoding="utf-8"))
    import_units(text=(DIRECTORY_DATA / "units.csv").read_text(encoding="utf-8"))


def _printed_lines(case: SeedCase) -> list[str]:
    data = json.loads((PLAN_FILES / case.plan_file).read_text(encoding="utf-8"))
    plan = import_plan(data=data, keep_status=True)
    document = build_document(load_plan_for_document(plan.pk))
    lines = document.text_lines()
    header = [*document.agency_lines]
    if not case.has_number_and_date:
        header += [document.number_line, document.date_line]
    assert lines[: len(header)] == header
    return lines[len(header) :]


@pytest.mark.parametrize("case", CASES, ids=[case.plan_file.split("_")[0] for case in CASES])
def test_seed_plan_file_prints_seed_text(directory, case):
    seed_text = (SEED_TEXTS / case.seed_file).read_text(encoding="utf-8")

    result = compare(seed_text, _printed_lines(case), allowances=case.allowances, wrap_width=case.wrap_width)

    assert result.score >= THRESHOLD, result.report()
    assert result.unused == [], result.report()


def test_seed_text_without_allowances_misses_the_listed_clauses(directory):
    # The allowances are needed: without them seed 004 falls below the threshold.
    seed_text = (SEED_TEXTS / SEED_004.seed_file).read_text(encoding="utf-8")

    result = compare(seed_text, _printed_lines(SEED_004))

    assert result.score < THRESHOLD
    assert result.unmatched[:4] == [
        "I. Mục đích, yêu cầu",
        "II. Chủ đề, nội dung, hình thức đối thoại",
        "III. Thời gian, địa điểm, số lượng và thành phần tham dự:",
        "VI. TỔ CHỨC THỰC HIỆN",
    ]


def test_compare_joins_broken_lines_and_drops_page_numbers():
    seed = "- Quá trình đối thoại phải dựa trên tinh thần\n\n3\n\ncởi mở, thẳng thắn; cầu thị.\n"

    result = compare(seed, ["- Quá trình đối thoại phải dựa trên tinh thần cởi mở, thẳng thắn; cầu thị."])

    assert result.seed_clauses == [
        "- Quá trình đối thoại phải dựa trên tinh thần cởi mở, thẳng thắn;",
        "cầu thị.",
    ]
    assert (result.score, result.unmatched) == (1.0, [])


def test_compare_different_numbers_do_not_match_closely():
    result = compare("2. Nội dung đối thoại:", ["2.2. Nội dung đối thoại:"])

    assert result.unmatched == ["2. Nội dung đối thoại:"]


def test_compare_stale_allowance_raises():
    stale = Allowance("stale", "VI. TỔ CHỨC THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN", "no longer in the seed")

    with pytest.raises(ValueError) as excinfo:
        compare("IV. TỔ CHỨC THỰC HIỆN", ["IV. TỔ CHỨC THỰC HIỆN"], allowances=[stale])

    assert str(excinfo.value) == "allowance 'stale': 'VI. TỔ CHỨC THỰC HIỆN' is not in the seed"
