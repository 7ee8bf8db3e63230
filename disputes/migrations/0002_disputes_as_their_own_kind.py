"""The dispute categories (G01 and its leaves) and their cases become the kind `dispute`: before
this app they rode with street problems (or with no kind). A dispute filed before keeps no detail
row until a mediator first records a step (disputes.services.detail_for)."""

from django.db import migrations

DISPUTES = "G01"


def adopt(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    Case = apps.get_model("cases", "Case")
    classes = Category.objects.filter(code=DISPUTES)
    ours = Category.objects.filter(code=DISPUTES) | Category.objects.filter(parent__in=classes)
    ids = list(ours.exclude(case_kind="dispute").values_list("pk", flat=True))
    Category.objects.filter(pk__in=ids).update(case_kind="dispute")
    Case.objects.filter(category_id__in=ids).update(case_kind="dispute")


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_disputes"), ("cases", "0013_timeline_public_note")]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
