# The entry's PDF moves to portfolios.models.WithPdf, the one PDF design it shares with the portfolio:
# the file is `pdf`, beside its job's status, hash, times and error.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('gallery', '0003_gallery_peer_indexes'),
    ]

    operations = [
        migrations.RenameField(
            model_name='entry',
            old_name='snapshot_pdf',
            new_name='pdf',
        ),
        migrations.AddField(
            model_name='entry',
            name='pdf_error',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='entry',
            name='pdf_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='entry',
            name='pdf_rendered_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='entry',
            name='pdf_requested_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='entry',
            name='pdf_status',
            field=models.CharField(choices=[('none', 'Not rendered'), ('queued', 'Queued'), ('rendering', 'Rendering'), ('ready', 'Ready'), ('failed', 'Failed')], default='none', max_length=20),
        ),
    ]
