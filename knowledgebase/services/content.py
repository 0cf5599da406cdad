"""Articles kept as Markdown files with front matter, loaded into the database.

`content_parse` is pure (a file's text to a plain `ArticleFile`); `content_load` upserts
files whose text changed since the last load, so edits made in the admin survive until the
file itself changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from django.db import transaction
from django.utils import timezone

from knowledgebase.models import Article, ArticleCause, ArticleStep, Origin, Section, Status

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
REQUIRED = ("slug", "title", "language", "section", "summary", "symptoms", "causes", "steps")


class ContentError(ValueError):
    pass


@dataclass
class ArticleFile:
    path: str
    digest: str
    slug: str
    title: str
    language: str
    section: str
    summary: str
    symptoms: list[str]
    causes: list[tuple[str, str]]
    steps: list[str]
    contact: str = ""
    body: str = ""
    keywords: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    translation: str = ""
    visibility: str = "public"
    status: str = "published"
    updated: dt.date | None = None


def content_parse(text: str, path: str = "") -> ArticleFile:
    """One article file to a plain value; `ContentError` names the file and the problem."""
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: front matter is not valid YAML: {exc}") from exc
    meta: dict[str, Any] = dict(post.metadata)
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise ContentError(f"{path}: missing {', '.join(missing)}")
    for key in ("symptoms", "steps", "keywords", "related"):
        items = meta.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
            raise ContentError(
                f"{path}: {key} must be a list of plain strings (quote any text "
                "with a colon followed by a space)"
            )
    causes = []
    for cause in meta["causes"]:
        if not isinstance(cause, dict) or cause.get("origin") not in Origin.values:
            raise ContentError(f"{path}: each cause needs an origin in {Origin.values}")
        if not isinstance(cause.get("text"), str):
            raise ContentError(f"{path}: each cause needs a plain text")
        causes.append((str(cause["origin"]), str(cause["text"]).strip()))
    updated = meta.get("updated")
    return ArticleFile(
        path=path,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        slug=str(meta["slug"]),
        title=str(meta["title"]).strip(),
        language=str(meta["language"]),
        section=str(meta["section"]),
        summary=str(meta["summary"]).strip(),
        symptoms=[str(s).strip() for s in meta["symptoms"]],
        causes=causes,
        steps=[str(s).strip() for s in meta["steps"]],
        contact=str(meta.get("contact") or "").strip(),
        body=post.content.strip(),
        keywords=[str(k).strip() for k in meta.get("keywords") or []],
        related=[str(r) for r in meta.get("related") or []],
        translation=str(meta.get("translation") or ""),
        visibility=str(meta.get("visibility") or "public"),
        status=str(meta.get("status") or "published"),
        updated=updated if isinstance(updated, dt.date) else None,
    )


def sections_load(directory: Path = CONTENT_DIR) -> tuple[int, int]:
    """Create or update the sections listed in `sections.yaml`; returns (created, updated)."""
    created = updated = 0
    data = yaml.safe_load((directory / "sections.yaml").read_text(encoding="utf-8"))
    for order, item in enumerate(data, 1):
        values = {
            "area": item["area"],
            "name_es": item["name_es"],
            "name_en": item["name_en"],
            "description_es": item.get("description_es", ""),
            "description_en": item.get("description_en", ""),
            "order": order,
        }
        section, was_created = Section.objects.get_or_create(slug=item["slug"], defaults=values)
        if was_created:
            created += 1
        elif any(getattr(section, key) != value for key, value in values.items()):
            Section.objects.filter(pk=section.pk).update(**values)
            updated += 1
    return created, updated


def _article_write(item: ArticleFile, sections: dict[str, Section]) -> tuple[Article, bool]:
    if item.section not in sections:
        raise ContentError(f"{item.path}: unknown section {item.section!r}")
    when = (
        timezone.make_aware(dt.datetime.combine(item.updated, dt.time(12)))
        if item.updated
        else timezone.now()
    )
    article, created = Article.objects.get_or_create(
        slug=item.slug, defaults={"section": sections[item.section], "updated_at": when}
    )
    article.section = sections[item.section]
    article.title = item.title
    article.language = item.language
    article.summary = item.summary
    article.symptoms = "\n".join(item.symptoms)
    article.contact_support = item.contact
    article.body = item.body
    article.keywords = ", ".join(item.keywords)
    article.visibility = item.visibility
    article.status = item.status
    article.source_file = item.path
    article.source_hash = item.digest
    article.updated_at = when
    if item.status == Status.PUBLISHED and article.published_at is None:
        article.published_at = when
    article.save()
    article.causes.all().delete()
    article.steps.all().delete()
    ArticleCause.objects.bulk_create(
        ArticleCause(article=article, order=n, origin=o, text=t)
        for n, (o, t) in enumerate(item.causes, 1)
    )
    ArticleStep.objects.bulk_create(
        ArticleStep(article=article, order=n, text=t) for n, t in enumerate(item.steps, 1)
    )
    return article, created


def content_load(directory: Path = CONTENT_DIR) -> dict[str, int]:
    """Load every `*.md` under `directory`; idempotent, and only changed files are written."""
    files = sorted(directory.rglob("*.md"))
    items = [
        content_parse(p.read_text(encoding="utf-8"), str(p.relative_to(directory))) for p in files
    ]
    slugs = [i.slug for i in items]
    if len(slugs) != len(set(slugs)):
        raise ContentError("duplicate slugs in content files")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        sections = {s.slug: s for s in Section.objects.all()}
        known = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "source_hash"))
        changed = [i for i in items if known.get(i.slug) != i.digest]
        counts["unchanged"] = len(items) - len(changed)
        for item in changed:
            _, created = _article_write(item, sections)
            counts["created" if created else "updated"] += 1
        by_slug = {a.slug: a for a in Article.objects.filter(slug__in=slugs)}
        for item in changed:
            article = by_slug[item.slug]
            if item.translation:
                partner = by_slug.get(item.translation)
                if partner is None:
                    raise ContentError(f"{item.path}: unknown translation {item.translation!r}")
                Article.objects.filter(translation=partner).exclude(pk=article.pk).update(
                    translation=None
                )
                Article.objects.filter(pk=article.pk).update(translation=partner)
            missing = [slug for slug in item.related if slug not in by_slug]
            if missing:
                raise ContentError(f"{item.path}: unknown related {missing}")
            article.related.set([by_slug[slug] for slug in item.related])
    return counts
