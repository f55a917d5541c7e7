"""Checking the rows of a participant list against the directory and the plan, reading nothing
per row: the commune's hamlets, the categories, the quota and the participants already
registered in the plan are read once each (`Checker`), each column checks its own cell
(sessions.participants.columns), and duplicates are found within the file and the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from core.legacy_encoding import legacy_scores
from core.spreadsheets import LegacyCells, cell_text, ignored_columns_notice, words_key
from core.uploads import repeated_file_notice
from core.vietnamese import normalize_key
from directory.models import Place, PlaceKind, PlaceLevel

from ..models import Participant, ParticipantCategory, Quota, Session
from .columns import COLUMNS, FIELDS, TEXT_FIELDS
from .reading import ParticipantReader
from .repeats import mark_listed_rows
from .report import ImportReport, RowReport, RowStatus

if TYPE_CHECKING:
    from accounts.models import User
    from core.models import UploadReceipt


class Checker:
    """Checks rows against what one commune has in the directory and the plan, read up front."""

    def __init__(self, *, session: Session, commune: Place, replace: bool, editing: int | None = None):
        self.session = session
        self.editing = editing  # the participant being edited: not a duplicate of itself
        self.commune = commune
        self.this_year = timezone.localdate().year
        if commune.level == PlaceLevel.HAMLET:
            # A hamlet's own list (a commune's plan): every row is of that hamlet.
            hamlets = [commune]
        else:
            hamlets = list(Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET))
        self.hamlet_names = ", ".join(h.name for h in hamlets)
        self.hamlets: dict[str, Place] = {}
        for hamlet in hamlets:
            self.hamlets.setdefault(words_key(hamlet.name), hamlet)
            self.hamlets.setdefault(words_key(hamlet.full_name), hamlet)
        self.hamlet_by_id = {h.pk: h for h in hamlets}
        categories = list(ParticipantCategory.objects.all())
        self.category_names = ", ".join(c.name for c in categories)
        targeted = set(session.target_categories.values_list("pk", flat=True))
        self.targets = {c.pk: c.name for c in categories if c.pk in targeted}
        self.categories: dict[str, ParticipantCategory] = {}
        for category in categories:
            self.categories.setdefault(words_key(category.name), category)
            self.categories.setdefault(words_key(category.code.replace("-", " ")), category)
        quotas = list(
            Quota.objects.filter(session=session)
            .filter(Q(place=commune) | Q(place__parent=commune))
            .values_list("place_id", "count")
        )
        self.quota = _quota_from(quotas, commune.pk)
        self._load_existing(replace)
        # Hamlets and categories repeat on every row: match each distinct text once.
        self.hamlet_memo: dict[str, Place | None] = {}
        self.category_memo: dict[str, ParticipantCategory | None] = {}
        self._legacy_memo: dict[str, tuple[int, int]] = {}
        self._checks = [(column.field, column.check, column.skip_when_legacy) for column in COLUMNS]

    def _load_existing(self, replace: bool) -> None:
        """Index the plan's saved participants by CCCD and by name + year + hamlet."""
        self.existing_count = 0
        # Where each one is listed: "phiên «Hội trường xã Phước An» (xã Phước An)"; by CCCD, also
        # whose it is (name, name key, birth year).
        self.existing_ids: dict[str, tuple[str, str, str, int | None]] = {}
        self.existing_people: dict[tuple, str] = {}
        saved = Participant.objects.filter(session__plan_id=self.session.plan_id)
        if self.editing is not None:
            saved = saved.exclude(pk=self.editing)
        saved = saved.values_list(
            "full_name",
            "session_id",
            "commune_id",
            "hamlet_id",
            "name_key",
            "birth_year",
            "national_id",
            "session__name",
            "session__venue_name",
            "commune__kind",
            "commune__name",
        )
        labels: dict[tuple, str] = {}
        for (
            full_name,
            session_id,
            commune_id,
            hamlet_id,
            name_key,
            year,
            national_id,
            s_name,
            venue,
            kind,
            c_name,
        ) in saved:
            if session_id == self.session.pk and commune_id == self.commune.pk:
                if replace:
                    continue
                self.existing_count += 1
            where = labels.get((session_id, commune_id))
            if where is None:
                session_label = "phiên này" if session_id == self.session.pk else f"phiên «{s_name or venue}»"
                commune_label = f"{PlaceKind(kind).label} {c_name}"
                where = labels[(session_id, commune_id)] = f"{session_label} ({commune_label})"
            if national_id:
                self.existing_ids.setdefault(national_id, (where, full_name, name_key, year))
            if year and hamlet_id:
                self.existing_people.setdefault((name_key, year, hamlet_id), where)

    def check(self, record: dict) -> tuple[RowReport, list[tuple[str, str, int, int]]]:
        number = record["row_number"]
        texts = {name: cell_text(record.get(name)) for name in FIELDS}
        row = RowReport(number=number, values=texts)
        legacy: list[tuple[str, str, int, int]] = []
        for name, text in texts.items():
            if text.startswith("="):
                row.warning(
                    name, f"ô chứa công thức «{text}»; công thức được giữ nguyên là chữ, không được tính."
                )
        for name in TEXT_FIELDS:
            text = texts[name]
            if text and not text.isascii():
                if name == "full_name":
                    tcvn, vni = legacy_scores(text)
                else:
                    scores = self._legacy_memo.get(text)
                    if scores is None:
                        scores = self._legacy_memo[text] = legacy_scores(text)
                    tcvn, vni = scores
                if tcvn or vni:
                    legacy.append((name, text, tcvn, vni))
        legacy_fields = {name for name, *_ in legacy} if legacy else ()
        for field, check, skip_when_legacy in self._checks:
            if skip_when_legacy and field in legacy_fields:
                continue
            check(record.get(field), texts[field], row, self)
        return row, legacy


def _same_person(row: RowReport, name_key: str, year: int | None) -> bool:
    """Whether `row` may be the person of that name and birth year: same name (accents and case
    aside) and, when both give one, same birth year. A row without a name cannot say otherwise."""
    if row.full_name and normalize_key(row.full_name) != name_key:
        return False
    return not (row.birth_year and year and row.birth_year != year)


def _who(full_name: str, year: int | None) -> str:
    return f"«{full_name}», sinh năm {year}" if year else f"«{full_name}»"


def check_duplicates(row: RowReport, checker: Checker, seen_ids: dict, seen_people: dict) -> None:
    """Mark `row` a duplicate of a row above it or of someone already listed in the plan (by
    CCCD, else by name + birth year + hamlet). A CCCD that is another person's (another name or
    birth year) is an error on both rows, since one of the two numbers is wrong. `seen_ids` maps
    the CCCDs of the rows above to their RowReport, `seen_people` their people to row numbers."""
    national_id = row.national_id
    if national_id:
        first = seen_ids.get(national_id)
        if first is not None:
            if _same_person(row, normalize_key(first.full_name), first.birth_year) or not first.full_name:
                row.duplicate("national_id", f"«{national_id}» trùng với dòng {first.number}.")
                return
            mistake = "nhưng khác họ tên hoặc năm sinh; mỗi người một số CCCD, hãy kiểm tra lại số CCCD"
            row.error(
                "national_id",
                f"«{national_id}» cũng là số CCCD của dòng {first.number} "
                f"({_who(first.full_name, first.birth_year)}) {mistake} của dòng {first.number} và dòng {row.number}.",
            )
            first.error(
                "national_id",
                f"«{national_id}» cũng là số CCCD của dòng {row.number} "
                f"({_who(row.full_name, row.birth_year)}) {mistake} của dòng {first.number} và dòng {row.number}.",
            )
            return
        seen_ids[national_id] = row
        if national_id in checker.existing_ids:
            where, full_name, name_key, year = checker.existing_ids[national_id]
            if _same_person(row, name_key, year):
                row.duplicate("national_id", f"«{national_id}» đã có trong danh sách {where}.")
            else:
                row.error(
                    "national_id",
                    f"«{national_id}» đã có trong danh sách {where} là số CCCD của {_who(full_name, year)}, "
                    "khác họ tên hoặc năm sinh của dòng này; mỗi người một số CCCD, hãy kiểm tra lại.",
                )
            return
    if row.full_name and row.birth_year and row.hamlet:
        key = (normalize_key(row.full_name), row.birth_year, row.hamlet.pk)
        if key not in seen_people and key not in checker.existing_people:
            seen_people[key] = row.number
            return
        person = f"«{row.full_name}», sinh năm {row.birth_year}, {row.hamlet.full_name}"
        if key in seen_people:
            row.duplicate("full_name", f"{person} trùng với dòng {seen_people[key]}.")
            return
        seen_people[key] = row.number
        row.duplicate("full_name", f"{person} đã có trong danh sách {checker.existing_people[key]}.")


def _quota_from(quotas: list[tuple[int, int]], commune_id: int) -> int | None:
    """The commune's own quota, or else the sum of its hamlets' quotas; None when it has none."""
    for place_id, count in quotas:
        if place_id == commune_id:
            return count
    if quotas:
        return sum(count for _, count in quotas)
    return None


def commune_quota(*, session: Session, commune: Place) -> int | None:
    """How many people `commune` sends to `session`, or None when no quota was given. One query."""
    quotas = list(
        Quota.objects.filter(session=session)
        .filter(Q(place=commune) | Q(place__parent=commune))
        .values_list("place_id", "count")
    )
    return _quota_from(quotas, commune.pk)


def validate_participants(
    *,
    session: Session,
    commune: Place,
    rows: list[dict],
    user: User | None = None,
    replace: bool = False,
    earlier: UploadReceipt | None = None,
) -> ImportReport:
    """Check rows read by `read_rows` for `commune`'s list in `session`. Reads only; writes nothing.

    With `replace`, the commune's current list for the session is left out of the quota and of
    the duplicate checks, since the import will delete it. `user` is the uploader; the checks do
    not depend on it (who may upload for which commune is the view's permission rule). `earlier`
    is the import of these very bytes before, if any: the report says so, and the people of the
    file still on the list are duplicates.
    """
    report = ImportReport(session=session, commune=commune, replace=replace)
    checker = Checker(session=session, commune=commune, replace=replace)
    report.quota = checker.quota
    report.existing = checker.existing_count
    if rows:
        report.columns = [name for name in FIELDS if name in rows[0]]
    if ignored := getattr(rows, "ignored_columns", None):
        report.ignored_columns = ignored
        report.ignored_notice = ignored_columns_notice(ignored, ParticipantReader().expected_columns())
    seen_ids: dict[str, RowReport] = {}
    seen_people: dict[tuple, int] = {}
    legacy_cells = LegacyCells()
    for record in rows:
        row, legacy = checker.check(record)
        report.rows.append(row)
        for name, text, tcvn, vni in legacy:
            legacy_cells.add(row, name, text, tcvn, vni)
        check_duplicates(row, checker, seen_ids, seen_people)

    if earlier is not None:
        report.notices.append(repeated_file_notice(earlier))
        if not replace:
            mark_listed_rows(report, session=session, commune=commune)

    if message := legacy_cells.report():
        report.errors.append(message)
    if not rows:
        report.errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    if checker.quota is None and session.min_per_hamlet:
        # A minimum per hamlet, no ceiling: say which hamlets of the list fall short.
        per_hamlet: dict = {}
        for row in report.rows:
            if row.status != RowStatus.DUPLICATE and row.hamlet is not None:
                per_hamlet[row.hamlet] = per_hamlet.get(row.hamlet, 0) + 1
        for hamlet, count in sorted(per_hamlet.items(), key=lambda item: item[0].name):
            if count < session.min_per_hamlet:
                report.notices.append(
                    f"{hamlet.title_name} mới có {count} người, ít hơn mức tối thiểu "
                    f"{session.min_per_hamlet} người mỗi thôn, khóm của phiên này."
                )
    elif checker.quota is None:
        report.errors.append(
            f"Phiên này chưa giao chỉ tiêu cho {commune.full_name}; chưa thể nhận danh sách của {commune.kind_label}."
        )
    elif report.existing + report.incoming > checker.quota:
        report.errors.append(
            f"Danh sách có {report.incoming} người, vượt chỉ tiêu {checker.quota} người của "
            f"{commune.full_name} cho phiên này (đã có {report.existing})."
        )
    return report
