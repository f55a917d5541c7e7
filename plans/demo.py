"""The seed plans (plans/seeds/*.json) for the demo; loaded by dialogue_portal.demo.load_demo."""

import json
from pathlib import Path

from directory.models import MapEra

from .models import Plan
from .planfile import PlanFileError, import_plan

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"


def load_seed_plans(*, stdout=None) -> None:
    """Import each seed plan file that is not in the database yet, keeping its issued state.

    A plan counts as present when one with the same issuer, year and summary exists, so
    running load_demo again adds nothing. Needs the directory loaded first. Raises
    PlanFileError (naming the file) if a seed file does not import.
    """
    for path in sorted(SEEDS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        exists = Plan.objects.filter(
            issuer__era=data.get("era", MapEra.BEFORE_2025),
            issuer__code=data["issuer"],
            year=data["year"],
            summary=data["summary"],
        ).exists()
        if exists:
            if stdout is not None:
                stdout.write(f"Đã có kế hoạch mẫu {path.name}, bỏ qua.\n")
            continue
        try:
            plan = import_plan(data=data, keep_status=True)
        except PlanFileError as exc:
            raise PlanFileError([f"{path.name}: {error}" for error in exc.errors]) from exc
        if stdout is not None:
            stdout.write(f"Đã nạp kế hoạch mẫu {path.name}: {plan}.\n")
