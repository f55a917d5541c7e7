from django.db import migrations, models

from core.vietnamese import normalize_key


def fill_name_keys(apps, schema_editor):
    Participant = apps.get_model("dialogue_sessions", "Participant")
    batch = []
    for participant in Participant.objects.only("pk", "full_name").iterator(chunk_size=2000):
        participant.name_key = normalize_key(participant.full_name)
        batch.append(participant)
        if len(batch) == 2000:
            Participant.objects.bulk_update(batch, ["name_key"])
            batch = []
    Participant.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue_sessions", "0006_session_chair_secretary_targets"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
