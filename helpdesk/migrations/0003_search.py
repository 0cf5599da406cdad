# Agent search: a phone index on contacts, and on PostgreSQL the accent-free upper-case
# function and trigram indexes that keep word search fast (helpdesk/search_filters.py).

from django.db import migrations, models

from helpdesk.migrations._postgres import postgres_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is only STABLE (its dictionary could change); the two-argument form with a
    # fixed dictionary is safe to declare IMMUTABLE, which an index expression needs.
    """
    CREATE OR REPLACE FUNCTION helpdesk_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT upper(public.unaccent('public.unaccent'::regdictionary, $1)) $$
    """,
    "CREATE INDEX IF NOT EXISTS ticket_subject_fold_trgm ON helpdesk_ticket "
    "USING gin (helpdesk_fold(subject) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS contact_name_fold_trgm ON helpdesk_contact "
    "USING gin (helpdesk_fold(name) gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS contact_name_fold_trgm",
    "DROP INDEX IF EXISTS ticket_subject_fold_trgm",
    "DROP FUNCTION IF EXISTS helpdesk_fold(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["phone"], name="contact_phone"),
        ),
        migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD)),
    ]
