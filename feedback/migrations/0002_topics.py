from django.db import migrations

TOPICS = [
    ("giam-ngheo", "Giảm nghèo"),
    ("viec-lam", "Việc làm"),
    ("tin-dung-chinh-sach", "Tín dụng chính sách"),
    ("bao-hiem-y-te", "Bảo hiểm y tế"),
    ("nha-o", "Nhà ở"),
    ("dat-dai", "Đất đai"),
    ("dao-tao-nghe", "Đào tạo nghề"),
    ("giao-duc", "Giáo dục"),
    ("nuoc-sach", "Nước sạch"),
    ("khac", "Khác"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("feedback", "Topic")
    for position, (code, name) in enumerate(TOPICS):
        Topic.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("feedback", "Topic")
    Topic.objects.filter(code__in=[code for code, _ in TOPICS], questions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_questions")]

    operations = [migrations.RunPython(add_topics, remove_topics)]
