"""Webhooks are their own app now (they notify media events as well as licensing ones).

The tables are renamed in place, so registered webhooks and their delivery logs are kept;
``webhooks.0001_initial`` takes the models over in Django's state without touching the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("webhook", "webhooks_webhook"),
                migrations.AlterModelTable("webhookdelivery", "webhooks_webhookdelivery"),
            ],
            state_operations=[
                migrations.DeleteModel("WebhookDelivery"),
                migrations.DeleteModel("Webhook"),
            ],
        ),
    ]
