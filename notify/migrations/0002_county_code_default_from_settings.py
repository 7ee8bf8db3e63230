"""The county code's default names the setting instead of one county's frozen code."""

from django.db import migrations

from wangge.county import county_code_default_in_state


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_outbox")]

    operations = [
        county_code_default_in_state("delivery", "outboxevent", "subscription", "webhook")
    ]
