"""Membership now lives in shamy.access (access 0001 took over its table): drop it from accounts' state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_membership_programme_roles'),
        ('access', '0001_initial'),
        ('programmes', '0002_alter_linkassignment_membership'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Membership')],
            database_operations=[],
        ),
    ]
