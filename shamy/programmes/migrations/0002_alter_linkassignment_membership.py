"""Link assignments point to the membership in its new app. The table and its foreign key stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0001_initial'),
        ('programmes', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.AlterField(
            model_name='linkassignment',
            name='membership',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='link_assignments', to='access.membership', verbose_name='membership'),
        ),
            ],
            database_operations=[],
        ),
    ]
