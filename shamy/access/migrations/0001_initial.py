"""Membership moves here from accounts. No table changes: the model takes over accounts_membership
as it is (its indexes keep their names); 0002 renames the table and the indexes."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_membership_programme_roles'),
        ('programmes', '0001_initial'),
        ('registry', '0002_school_name_kk_kazakh_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('system_admin', 'System administrator'), ('ministry_analyst', 'Ministry analyst'), ('regional_analyst', 'Regional education department analyst'), ('school_principal', 'School principal'), ('coordinator', 'Programme coordinator'), ('school_facilitator', 'School facilitator'), ('link_facilitator', 'Link facilitator'), ('teacher', 'Teacher'), ('certifier', 'Certifier'), ('observer', 'Observer or donor')], max_length=40, verbose_name='role')),
                        ('starts_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='starts on')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='ends on')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('cohort', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='programmes.cohort', verbose_name='cohort')),
                        ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='programmes.programme', verbose_name='programme')),
                        ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.region', verbose_name='region')),
                        ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.school', verbose_name='school')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'db_table': 'accounts_membership',
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'indexes': [models.Index(fields=['user', 'role'], name='accounts_me_user_id_82b08b_idx'), models.Index(fields=['programme', 'role'], name='accounts_me_program_188842_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role', 'regional_analyst'), _negated=True), ('region__isnull', False), _connector='OR'), name='membership_regional_analyst_has_region', violation_error_message='A regional analyst needs a region.'), models.CheckConstraint(condition=models.Q(models.Q(('role', 'school_principal'), _negated=True), ('school__isnull', False), _connector='OR'), name='membership_principal_has_school', violation_error_message='A school principal needs a school.'), models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='membership_ends_after_start', violation_error_message='A membership cannot end before it starts.'), models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['certifier', 'coordinator', 'link_facilitator', 'observer', 'school_facilitator', 'teacher']), _negated=True), ('programme__isnull', False), _connector='OR'), name='membership_programme_role_has_programme', violation_error_message='A programme role needs a programme.'), models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['school_facilitator', 'teacher']), _negated=True), models.Q(('school__isnull', False), ('cohort__isnull', False)), _connector='OR'), name='membership_school_programme_role_has_school', violation_error_message='A school facilitator or teacher needs a school and a cohort.'), models.CheckConstraint(condition=models.Q(('cohort__isnull', True), ('programme__isnull', False), _connector='OR'), name='membership_cohort_has_programme', violation_error_message='A cohort is only given with its programme.')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
