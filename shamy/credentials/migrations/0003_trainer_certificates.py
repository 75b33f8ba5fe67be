# Trainer certificates (issue 16): a certificate is for an approved portfolio or for a certified trainer.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0004_assessment_deadlines'),
        ('credentials', '0002_analytics_indicator'),
        ('operators', '0002_events'),
        ('programmes', '0003_programme_marking_opens_minutes'),
        ('registry', '0002_school_name_kk_kazakh_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='kind',
            field=models.CharField(choices=[('portfolio', 'Teacher leadership portfolio'), ('trainer', 'Certified trainer')], default='portfolio', max_length=10, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='trainer',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificate', to='operators.trainer', verbose_name='certified trainer'),
        ),
        migrations.AlterField(
            model_name='certificate',
            name='submission',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificate', to='assessment.submission', verbose_name='submission'),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'portfolio'), ('submission__isnull', False), ('trainer__isnull', True)), models.Q(('kind', 'trainer'), ('trainer__isnull', False), ('submission__isnull', True)), _connector='OR'), name='certificate_kind_matches_subject', violation_error_message='A certificate is for either an approved portfolio or a certified trainer.'),
        ),
    ]
