# The certified trainer role (issue 16): a new choice, and the programme-role constraint now names it too.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0003_fellow_role'),
        ('programmes', '0003_programme_marking_opens_minutes'),
        ('registry', '0002_school_name_kk_kazakh_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='membership',
            name='membership_programme_role_has_programme',
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('system_admin', 'System administrator'), ('ministry_analyst', 'Ministry analyst'), ('regional_analyst', 'Regional education department analyst'), ('school_principal', 'School principal'), ('coordinator', 'Programme coordinator'), ('school_facilitator', 'School facilitator'), ('link_facilitator', 'Link facilitator'), ('teacher', 'Teacher'), ('certifier', 'Certifier'), ('observer', 'Observer or donor'), ('fellow', 'Fellow'), ('trainer', 'Certified trainer')], max_length=40, verbose_name='role'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['certifier', 'coordinator', 'fellow', 'link_facilitator', 'observer', 'school_facilitator', 'teacher', 'trainer']), _negated=True), ('programme__isnull', False), _connector='OR'), name='membership_programme_role_has_programme', violation_error_message='A programme role needs a programme.'),
        ),
    ]
