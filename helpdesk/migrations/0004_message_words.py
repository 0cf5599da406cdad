# Agent search in message text: on PostgreSQL, the words of a message (folded, split at
# everything that is not a letter or a digit) and a text-search GIN index over them
# (helpdesk/search_filters.py). SQLite registers helpdesk_words_match per connection.

from django.db import migrations

from helpdesk.migrations._postgres import postgres_only

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION helpdesk_words(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector('pg_catalog.simple'::regconfig,
                             regexp_replace(helpdesk_fold($1), '[^[:alnum:]]+', ' ', 'g')) $$
    """,
    """
    CREATE OR REPLACE FUNCTION helpdesk_words_match(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT helpdesk_words($1) @@ to_tsquery('pg_catalog.simple'::regconfig, $2) $$
    """,
    "CREATE INDEX IF NOT EXISTS message_words ON helpdesk_message USING gin (helpdesk_words(text))",
]

BACKWARD = [
    "DROP INDEX IF EXISTS message_words",
    "DROP FUNCTION IF EXISTS helpdesk_words_match(text, text)",
    "DROP FUNCTION IF EXISTS helpdesk_words(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0003_search"),
    ]

    operations = [
        migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD)),
    ]
