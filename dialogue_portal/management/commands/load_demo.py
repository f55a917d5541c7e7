from django.core.management.base import BaseCommand

from dialogue_portal.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: danh mục hành chính, tài khoản mẫu và các kế hoạch mẫu."

    def handle(self, *args, **options):
        accounts = load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role, place in accounts:
            self.stdout.write(f"  {username:<22} {role:<20} {place}")
