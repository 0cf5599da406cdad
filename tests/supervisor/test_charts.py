"""The SVG chart functions: well-formed, escaped, honest about empty data."""

import xml.etree.ElementTree as ET

import pytest

from helpdesk.supervisor import charts

pytestmark = pytest.mark.core
NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_line_chart_draws_one_polyline_per_series_and_gaps():
    svg = charts.line_chart(
        "Cumplimiento",
        ["01/03", "02/03", "03/03", "04/03"],
        {"Técnico": [100, None, 80, 90], "Ventas": [50, 60, 70, 75]},
        y_max=100,
        unit="%",
    )
    root = parse(svg)
    assert root.get("aria-label") == "Cumplimiento"
    lines = root.findall(f"{NS}polyline")
    assert len(lines) == 3  # Técnico split by the gap + Ventas
    assert len(root.findall(f"{NS}circle")) == 7
    assert "Técnico · 03/03: 80%" in svg


def test_bar_chart_heights_are_proportional():
    root = parse(charts.bar_chart("FRT", [("< 15 min", 10), ("15-60 min", 5), ("> 24 h", 0)]))
    rects = [r for r in root.findall(f"{NS}rect") if r.find(f"{NS}title") is not None]
    heights = [float(r.get("height")) for r in rects]
    assert heights[0] == pytest.approx(2 * heights[1]) and heights[2] == 0


def test_text_is_escaped():
    svg = charts.hbar_chart("<script>", [("<b>Ana & Co</b>", 3)])
    assert "<script>" not in svg and "&lt;b&gt;Ana &amp; Co&lt;/b&gt;" in svg
    parse(svg)


def test_stacked_chart_and_empty_states():
    svg = charts.stacked_hbar_chart(
        "Área y canal",
        [("Datos", {"chat": 2, "email": 3})],
        [("chat", "Chat"), ("email", "Correo")],
    )
    root = parse(svg)
    assert "Datos · Correo: 3" in svg and root.find(f"{NS}title").text == "Área y canal"
    for empty in (
        charts.line_chart("x", [], {}),
        charts.bar_chart("x", [("a", 0)]),
        charts.hbar_chart("x", []),
        charts.stacked_hbar_chart("x", [], []),
    ):
        assert "Sin datos" in empty
        parse(empty)
