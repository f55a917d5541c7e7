from django.db import migrations

# The categories the seed plans target; district staff can add more in the admin.
CATEGORIES = [
    ("ho-ngheo", "Hộ nghèo"),
    ("ho-can-ngheo", "Hộ cận nghèo"),
    ("ho-moi-thoat-ngheo", "Hộ mới thoát nghèo"),
    ("ho-moi-thoat-can-ngheo", "Hộ mới thoát cận nghèo"),
    ("hoi-vien-nong-dan", "Hội viên Hội Nông dân"),
    ("hoi-vien-lhpn", "Hội viên Hội LHPN"),
    ("khac", "Khác"),
]


def create_categories(apps, schema_editor):
    ParticipantCategory = apps.get_model("dialogue_sessions", "ParticipantCategory")
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        ParticipantCategory.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def delete_categories(apps, schema_editor):
    ParticipantCategory = apps.get_model("dialogue_sessions", "ParticipantCategory")
    ParticipantCategory.objects.filter(code__in=[code for code, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue_sessions", "0003_participants"),
    ]

    operations = [
        migrations.RunPython(create_categories, delete_categories),
    ]
