"""The command line's side of a commune's upload for a session (participants, questions): the
file, the session, the commune and who imports, read and checked the same way for every kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.models import Place, PlaceLevel

from .models import Session


@dataclass(frozen=True)
class CommuneFile:
    filename: str
    content: bytes
    session: Session
    commune: Place
    user: object | None


class CommuneFileCommand(BaseCommand):
    """`FILE --session ID --commune CODE [--commit] [--user NAME]`; subclasses add their options
    and do the import with `self.commune_file(...)`."""

    user_help = "tên đăng nhập ghi nhận là người nhập"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp .xlsx hoặc .csv")
        parser.add_argument("--session", type=int, required=True, help="mã số (id) của phiên")
        parser.add_argument("--commune", required=True, help="mã xã trong danh mục địa bàn")
        parser.add_argument("--commit", action="store_true", help="lưu danh sách (mặc định chỉ chạy thử)")
        parser.add_argument("--user", help=self.user_help)

    def commune_file(self, *, file: Path, session: int, commune: str, user: str | None) -> CommuneFile:
        """Everything the import needs, or a CommandError in Vietnamese naming what is missing."""
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp «{file}»: {exc.strerror}.") from exc
        session_obj = Session.objects.select_related("plan__issuer").filter(pk=session).first()
        if session_obj is None:
            raise CommandError(f"Không có phiên số {session}.")
        # Codes are unique within one map: the commune's is read on the map of the session's plan.
        era = session_obj.plan.issuer.era
        commune_obj = Place.objects.filter(era=era, code=commune, level=PlaceLevel.COMMUNE).first()
        if commune_obj is None:
            raise CommandError(f"Không có xã mã «{commune}» trong danh mục địa bàn.")
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f"Không có người dùng «{user}».")
        return CommuneFile(Path(file).name, content, session_obj, commune_obj, user_obj)
