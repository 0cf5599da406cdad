"""Articles as Markdown files: parsing, idempotent seed, updates of changed files, safe HTML."""

import io
import shutil

import pytest

from helpdesk.models import Category
from knowledgebase.models import Article, ArticleStep, Section, Status, Visibility
from knowledgebase.seed import seed
from knowledgebase.services.content import (
    CONTENT_DIR,
    ContentError,
    content_load,
    content_parse,
    sections_load,
)
from knowledgebase.services.render import markdown_render

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_seed_loads_every_area_in_both_languages_and_is_idempotent():
    out = io.StringIO()
    seed(out)
    public = Article.objects.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    spanish = public.filter(language="es")
    assert spanish.count() >= 40
    for area in ("connection", "data", "sms", "calls", "device", "billing"):
        assert spanish.filter(section__area=area).count() >= 6, area
    # every Spanish article has its English version
    english = Article.objects.filter(language="en")
    assert english.count() == Article.objects.filter(language="es").count()
    assert english.filter(translation__isnull=True).count() == 0
    assert Article.objects.filter(visibility=Visibility.INTERNAL).exists()
    assert all(a.steps.count() >= 4 and a.causes.exists() for a in spanish)
    before = (Article.objects.count(), ArticleStep.objects.count(), Section.objects.count())
    second = io.StringIO()
    seed(second)
    assert (Article.objects.count(), ArticleStep.objects.count(), Section.objects.count()) == before
    assert "0 nuevos, 0 actualizados" in second.getvalue()


def test_seed_covers_the_support_rules_of_the_sources(kb_content):
    def text(slug):
        article = Article.objects.get(slug=slug)
        return " ".join(
            [article.summary, article.contact_support] + [s.text for s in article.steps.all()]
        )

    assert "10 minutos" in text("recarga-error-pero-llego")
    assert "19:30" in text("sistema-lento-hora-pico") and "21:30" in text("sistema-lento-hora-pico")
    assert "administrador" in text("contrasena-punto-de-venta")
    assert "24 horas" in text("aclaracion-de-cuenta")
    assert "código de pago" in text("pagar-factura")
    assert "PDF" in text("descargar-factura-pdf")


def test_changed_file_is_updated_and_admin_edits_of_others_survive(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    sections_load(content)
    content_load(content)
    edited = Article.objects.get(slug="sin-senal")
    Article.objects.filter(slug="internet-lento").update(title="Editado en el admin")
    path = content / "es" / "sin-senal.md"
    path.write_text(path.read_text().replace("title: No tengo señal", "title: Sin señal ahora"))
    counts = content_load(content)
    assert counts == {"created": 0, "updated": 1, "unchanged": counts["unchanged"]}
    assert Article.objects.get(slug="sin-senal").title.startswith("Sin señal ahora")
    assert Article.objects.get(slug="sin-senal").pk == edited.pk
    assert Article.objects.get(slug="internet-lento").title == "Editado en el admin"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: x\n---\n", "missing"),
        (
            "---\nslug: a\ntitle: t\nlanguage: es\nsection: s\nsummary: s\nsymptoms: [a]\n"
            "causes: [{origin: moon, text: x}]\nsteps: [a]\n---\n",
            "origin",
        ),
        (
            "---\nslug: a\ntitle: t\nlanguage: es\nsection: s\nsummary: s\nsymptoms: [a]\n"
            "causes: [{origin: device, text: x}]\nsteps:\n  - Paso uno: con dos puntos\n---\n",
            "plain strings",
        ),
        ("---\nslug: [\n---\n", "YAML"),
    ],
)
def test_invalid_files_name_the_problem(text, message):
    with pytest.raises(ContentError, match=message):
        content_parse(text, "x.md")


def test_unknown_related_slug_is_rejected_and_nothing_is_written(tmp_path):
    content = tmp_path / "content"
    (content / "es").mkdir(parents=True)
    shutil.copy(CONTENT_DIR / "sections.yaml", content / "sections.yaml")
    (content / "es" / "a.md").write_text(
        "---\nslug: a\ntitle: T\nlanguage: es\nsection: conexion\nsummary: S\nsymptoms: [x]\n"
        "causes: [{origin: device, text: x}]\nsteps: [x]\nrelated: [no-existe]\n---\n"
    )
    sections_load(content)
    with pytest.raises(ContentError, match="no-existe"):
        content_load(content)
    assert not Article.objects.filter(slug="a").exists()


def test_markdown_is_rendered_safely():
    html = str(
        markdown_render(
            "**Hola** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)"
            '<img src=x onerror="alert(1)">'
        )
    )
    assert "<strong>Hola</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert 'href="https://a.example"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_sections_map_to_helpdesk_categories(kb_content):
    assert set(Section.objects.values_list("area", flat=True)) <= set(Category.values)
    assert Section.objects.filter(area="billing").count() == 3
