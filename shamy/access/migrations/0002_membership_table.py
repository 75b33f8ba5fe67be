"""The membership table and its indexes take the access app's names (a rename: rows, keys and
foreign keys pointing to them stay as they are)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0001_initial'),
        ('accounts', '0004_delete_membership'),
    ]

    operations = [
        migrations.AlterModelTable(name='membership', table=None),
        migrations.RenameIndex(
            model_name='membership', new_name='access_membership_user_role', old_name='accounts_me_user_id_82b08b_idx'
        ),
        migrations.RenameIndex(
            model_name='membership', new_name='access_membership_prog_role', old_name='accounts_me_program_188842_idx'
        ),
    ]
