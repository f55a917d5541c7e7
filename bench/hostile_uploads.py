"""Feed hostile spreadsheets to both upload readers and measure what each costs.

Generates in a temporary folder (tests/hostile_files.py): a sheet of `<row/>` expanding to about
1 GB, a shared-strings table of 20 million entries, a workbook of 1,000 parts, a row of 900,000 cells, a sheet declaring
`A1:XFD8000` with two rows, a truncated .xlsx, a PDF and random bytes named .xlsx, a CSV with
control characters, 100,000 rows and 16,384 columns (as CSV and .xlsx). Each file is read by the
participant reader and the question reader, each time in a fresh process, which prints the
outcome (refused and its message, or accepted and its rows), the seconds spent reading and the
process's peak memory (ru_maxrss, which includes Django itself, about 60 MB). Each file is read
twice: as the portal reads it, in a child process capped at UPLOAD_READ_MEMORY_MB of address
space and UPLOAD_READ_SECONDS (core.isolation; the peak shown is the asking process's, the
child's is bounded by the cap), and in the asking process itself (UPLOAD_READ_ISOLATED off),
which shows what the reading costs.

Targets: every file answered in under 10 s with a peak under 300 MB. Exits 1 when one is missed.
No database is needed.

    .venv/bin/python bench/hostile_uploads.py
"""

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0
TARGET_MB = 300
# A runaway child is killed after this long (and counts as missed).
KILL_AFTER = 120

QUESTION_HEADER = ["STT", "Nội dung câu hỏi", "Họ tên người hỏi", "Thôn, ấp", "Lĩnh vực"]
QUESTION_ROW = [1, "Câu hỏi về chính sách hỗ trợ hộ nghèo?", "Trần Thị Bích", "Lộc Thượng", "Giảm nghèo"]
PEOPLE_HEADER = ["STT", "Họ và tên", "Năm sinh", "Thôn, ấp", "Loại hộ", "Số điện thoại", "Số CCCD", "Email"]
PEOPLE_ROW = [1, "Nguyễn Văn An", 1975, "Lộc Thượng", "Hộ nghèo", "0905123456", "052075000001", ""]
KINDS = {"participants": (PEOPLE_HEADER, PEOPLE_ROW), "questions": (QUESTION_HEADER, QUESTION_ROW)}


def corpus(folder: Path, header: list, row: list) -> list[Path]:
    from tests import hostile_files as hostile  # noqa: PLC0415 (only the parent builds files)

    makers = {
        "row-bomb.xlsx": lambda: hostile.row_bomb(header, 180_000_000),
        "shared-strings-bomb.xlsx": lambda: hostile.shared_strings_bomb(header, 20_000_000),
        "many-parts.xlsx": lambda: hostile.many_parts(header, 1_000),
        "one-row-900000-cells.xlsx": lambda: hostile.long_row(header, 900_000),
        "dimension-XFD8000.xlsx": lambda: hostile.wide_dimension(header, row),
        "truncated.xlsx": lambda: hostile.truncated(header, row),
        "pdf-renamed.xlsx": hostile.pdf_bytes,
        "random-bytes.xlsx": hostile.random_bytes,
        "control-characters.csv": lambda: hostile.control_characters_csv(header, row),
        "rows-100000.csv": lambda: hostile.many_rows_csv(header, row, 100_000),
        "rows-100000.xlsx": lambda: hostile.many_rows_xlsx(header, row, 100_000),
        "columns-16384.csv": lambda: hostile.wide_csv(header, row, 16_384),
        "columns-16384.xlsx": lambda: hostile.wide_xlsx(header, row, 16_384),
    }
    paths = []
    for name, make in makers.items():
        path = folder / name
        path.write_bytes(make())
        paths.append(path)
    return paths


def read_one(kind: str, path: str, isolated: str) -> None:
    """In the child: read one file with one reader and print what happened as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
    os.environ.setdefault("DEBUG", "false")
    import django  # noqa: PLC0415 (the child sets Django up, the parent never does)
    from django.conf import settings  # noqa: PLC0415

    django.setup()
    settings.UPLOAD_READ_ISOLATED = isolated == "isolated"
    from core.spreadsheets import SpreadsheetError  # noqa: PLC0415
    from feedback.services.upload import read_question_rows  # noqa: PLC0415
    from sessions.participants.reading import read_rows  # noqa: PLC0415

    read = read_question_rows if kind == "questions" else read_rows
    content = Path(path).read_bytes()
    # A web worker's reading child is forked from a fork server started once (Django set up in
    # it): start it before the clock, as a worker that has read one file before.
    with contextlib.suppress(SpreadsheetError):
        read(filename="khoi-dong.csv", content=b"STT\r\n")
    start = time.perf_counter()
    try:
        rows = read(filename=Path(path).name, content=content)
        outcome = f"accepted, {len(rows)} rows"
    except SpreadsheetError as exc:
        outcome = f"refused: {exc.message}"
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb}))


def measure(kind: str, path: Path, isolated: str) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(path), isolated],
            capture_output=True,
            text=True,
            timeout=KILL_AFTER,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"killed after {KILL_AFTER} s", "seconds": KILL_AFTER, "peak_mb": float("nan")}
    if done.returncode:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {
            "outcome": f"crashed ({done.returncode}): {tail}",
            "seconds": float("nan"),
            "peak_mb": float("nan"),
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    missed = 0
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        for kind, (header, row) in KINDS.items():
            kind_folder = Path(folder) / kind
            kind_folder.mkdir()
            started = time.perf_counter()
            paths = corpus(kind_folder, header, row)
            print(f"\n{kind}: corpus built in {time.perf_counter() - started:.1f} s")
            for path in paths:
                for isolated in ("isolated", "here"):
                    result = measure(kind, path, isolated)
                    ok = result["seconds"] < TARGET_SECONDS and result["peak_mb"] < TARGET_MB
                    missed += not ok and isolated == "isolated"
                    outcome = result["outcome"]
                    if len(outcome) > 120:
                        outcome = outcome[:117] + "..."
                    print(
                        f"  {'ok ' if ok else 'MISS'} {path.name:26} {path.stat().st_size / 1024:9.0f} KB "
                        f"{isolated:8} {result['seconds']:6.2f} s {result['peak_mb']:6.0f} MB  {outcome}"
                    )
    print(
        f"\ntargets (read as the portal reads, isolated): under {TARGET_SECONDS:g} s and {TARGET_MB} MB each; missed: {missed}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        read_one(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(main())
