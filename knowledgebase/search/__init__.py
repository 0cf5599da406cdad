"""Pure search core: text analysis, synonyms, fuzzy matching and a ranked in-memory index.

No ORM here: adapters in `knowledgebase.services` turn rows into `Doc` values.
"""

from knowledgebase.search.engine import Doc, Hit, SearchIndex

__all__ = ["Doc", "Hit", "SearchIndex"]
