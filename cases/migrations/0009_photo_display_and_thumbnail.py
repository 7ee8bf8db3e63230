"""A photo's display size and thumbnail, made at upload (cases.photos). Nullable columns without a
default: no table rewrite on PostgreSQL, a plain ADD COLUMN on SQLite; the table already carries
its county in a key (0007, 0008). Photos stored before have none and are served in their original."""

from django.db import migrations, models

import cases.models


def copy_field(verbose_name: str) -> models.ImageField:
    return models.ImageField(
        blank=True,
        editable=False,
        null=True,
        upload_to=cases.models.case_photo_path,
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_ids_unique_in_county")]

    operations = [
        migrations.AddField(
            model_name="casephoto", name="display", field=copy_field("display size")
        ),
        migrations.AddField(
            model_name="casephoto", name="thumbnail", field=copy_field("thumbnail")
        ),
    ]
