"""The panels' repeated markup written in Python (markup.py, issue 18 cold paths): the same bytes
as the template loops it replaced, every region linked and titled, suppressed cells kept hidden,
names escaped."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from shamy.analytics.tests.test_suppression import reached  # noqa: F401 - the fixture
from shamy.core.testing.factories import DistrictFactory, RegionFactory, SchoolFactory
from shamy.registry.models import Internet, Locality

pytestmark = pytest.mark.django_db

# The template loops markup.py replaced, verbatim from the templates before it: rendered beside the
# Python with the same objects, they must give the same text.
OLD_MAP = (
    "{% load analytics_tags %}"
    "{% for item in board.regions %}{% if item.linked and not public and not standalone %}"
    '<a href="{% url \'analytics:region-detail\' item.region.pk %}?{{ query }}" aria-label="{{ item.title }}">'
    '{% endif %}<path class="region" d="{{ item.shape.path }}" fill="{{ item.colour }}" stroke="#ffffff"'
    ' stroke-width="0.8" fill-rule="evenodd"{% if not item.linked or public or standalone %} tabindex="0"{% endif %}'
    ' data-name="{{ item.name }}" data-details="{{ item.details }}" data-value="{{ item.value_text }}"'
    ' data-kato="{{ item.shape.kato }}"><title>{{ item.title }}</title></path>'
    "{% if item.linked and not public and not standalone %}</a>{% endif %}\n{% endfor %}|"
    "{% for item in board.regions %}{% if item.label %}<text x=\"{{ item.shape.label_x|stringformat:'.1f' }}\""
    ' y="{{ item.shape.label_y|stringformat:\'.1f\' }}" dy="4">{{ item.label }}</text>{% endif %}{% endfor %}'
)
NEW_MAP = "{% load analytics_markup %}{% map_regions board query public standalone %}|{% map_labels board %}"

OLD_BARS = (
    "{% load i18n analytics_tags %}"
    "{% for bar in chart.bars %}<g><title>{{ bar.label }}: {{ bar.value|plain:unit }}</title>\n"
    "<text x=\"{{ chart.label_width|add:-6|stringformat:'d' }}\" y=\"{{ bar.y|add:13|stringformat:'.1f' }}\""
    ' text-anchor="end">{{ bar.label|truncatechars:32 }}</text>\n'
    "{% if bar.value is not None %}<rect x=\"{{ bar.x|stringformat:'.1f' }}\" y=\"{{ bar.y|stringformat:'.1f' }}\""
    ' width="{{ bar.width|stringformat:\'.1f\' }}" height="16" fill="{{ bar.colour }}"/>\n'
    "<text x=\"{{ bar.value_x|stringformat:'.1f' }}\" y=\"{{ bar.y|add:13|stringformat:'.1f' }}\">"
    "{{ bar.value|plain:unit }}</text>{% else %}<text x=\"{{ chart.origin|add:4|stringformat:'.1f' }}\""
    ' y="{{ bar.y|add:13|stringformat:\'.1f\' }}" fill="#555">{% translate "no data" %}</text>{% endif %}</g>\n'
    "{% endfor %}"
)
NEW_BARS = "{% load analytics_markup %}{% bar_rows chart unit %}"

OLD_LEGEND = (
    "{% load i18n analytics_tags %}"
    '{% for step in scale.steps %}<li><svg class="swatch" aria-hidden="true" focusable="false" viewBox="0 0 16 12"'
    ' preserveAspectRatio="none"><rect width="16" height="12" fill="{{ step.colour }}"/></svg>'
    '{% if step.low is None and step.high is None %}{% translate "all values" %}{% elif step.low == step.high %}'
    "{{ step.low|plain:unit }}{% else %}{{ step.low|plain:unit }} – {{ step.high|plain:unit }}{% endif %}</li>"
    "{% endfor %}"
)
NEW_LEGEND = "{% load analytics_markup %}{% legend_items scale unit %}"

OLD_REGION_ROWS = """{% load analytics_tags %}{% for region, row in table.rows %}
    <tr>
      <th scope="row">{% if not public %}<a href="{% url 'analytics:region-detail' region.pk %}?{{ query }}">{{ region.name }}</a>{% else %}{{ region.name }}{% endif %}</th>
      <td class="number">{{ row.urban|figure:indicator.unit }}</td>
      <td class="number">{{ row.rural|figure:indicator.unit }}</td>
      <td class="number">{{ row.total|figure:indicator.unit }}</td>
      <td class="number">{{ row.gap|figure:indicator.unit }}</td>
      <td class="number"{% if row.parity is not None %} title="{{ row.parity|reading:indicator.direction }}"{% endif %}>{{ row.parity|figure:"parity" }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
NEW_REGION_ROWS = "{% load analytics_markup %}{% region_rows table indicator query public %}"

OLD_DISTRICT_ROWS = """{% load i18n analytics_tags %}{% for district, row in table.rows %}
    <tr>
      <td>{{ forloop.counter }}</td>
      <th scope="row">{% if schools_link %}<a href="{% url 'registry:school-list' %}?region={{ page.region.pk }}&amp;district={{ district.pk }}" title="{% translate 'Schools of the district' %}">{{ district.name }}</a>{% else %}{{ district.name }}{% endif %}</th>
      <td class="number">{{ row.urban|figure:indicator.unit }}</td>
      <td class="number">{{ row.rural|figure:indicator.unit }}</td>
      <td class="number">{{ row.total|figure:indicator.unit }}</td>
      <td class="number">{{ row.gap|figure:indicator.unit }}</td>
      <td class="number">{{ row.parity|figure:"parity" }}</td>
    </tr>
  {% empty %}<tr><td colspan="7">{% translate "No districts with schools." %}</td></tr>
  {% endfor %}¶{% for mark in m.marks %}<circle class="district" cx="{{ mark.x|stringformat:'.1f' }}" cy="{{ mark.y|stringformat:'.1f' }}" r="{{ mark.radius|stringformat:'.1f' }}" fill="{{ mark.colour }}" stroke="#333" stroke-width="0.8" fill-opacity="0.9" tabindex="0" data-details="{{ mark.title }}"><title>{{ mark.title }}</title></circle>{% endfor %}¶{% for mark in m.marks %}{% if mark.label %}<text x="{{ mark.x|stringformat:'.1f' }}" y="{{ mark.y|stringformat:'.1f' }}" dy="4">{{ mark.label }}</text>{% endif %}{% endfor %}"""  # noqa: E501
NEW_DISTRICT_ROWS = (
    "{% load analytics_markup %}{% district_rows table indicator page.region schools_link %}¶"
    "{% district_marks m %}¶{% district_labels m %}"
)

QUOTED = 'Ана "Жер" <b>&amp; Co\'s'


def _both(old: str, new: str, context: dict) -> tuple[str, str]:
    return Template(old).render(Context(context)), Template(new).render(Context(context))


@pytest.fixture
def regions(db):
    """Three regions with schools, one whose name needs escaping, urban and rural schools in each,
    different shares of them with high-speed internet (so each region has its own figure and
    colour); one region with two districts."""
    made = []
    for index, (kato, name) in enumerate((("10", QUOTED), ("11", "Абай облысы"), ("15", "Ақтөбе облысы"))):
        region = RegionFactory(kato=kato, name_kk=name, name_ru=name, name_en=name)
        made.append(region)
        districts = [DistrictFactory(region=region, name_kk=f'Аудан "{index}" <i>', name_en=f'District "{index}"')]
        if index == 0:
            districts.append(DistrictFactory(region=region, name_kk="Екінші аудан", name_en="Second district"))
        for number in range(6):
            for locality in (Locality.URBAN, Locality.RURAL):
                SchoolFactory(
                    region=region,
                    district=districts[number % len(districts)],
                    locality=locality,
                    internet=Internet.HIGH_SPEED if number <= index + (locality == Locality.URBAN) else Internet.NONE,
                )
    return made


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("measure", ["total", "gap", "parity"])
def test_the_dashboards_markup_is_the_templates_byte_for_byte(client, cast, regions, language, measure):
    client.force_login(cast.dana)
    client.cookies["shamy_language"] = language
    response = client.get(
        reverse("analytics:dashboard"), {"indicator": "high_speed_internet_share", "measure": measure, "year": 2022}
    )
    assert response.status_code == 200
    context = response.context
    board = context["board"]
    with translation.override(language):
        for public in (False, True):
            for standalone in (False, True):
                values = {"board": board, "query": context["query"], "public": public, "standalone": standalone}
                old, new = _both(OLD_MAP, NEW_MAP, values)
                assert new == old
            values = {"table": board.table, "indicator": board.indicator, "query": context["query"], "public": public}
            old, new = _both(OLD_REGION_ROWS, NEW_REGION_ROWS, values)
            assert new == old
        old, new = _both(OLD_BARS, NEW_BARS, {"chart": board.bars, "unit": board.unit})
        assert new == old
        old, new = _both(OLD_LEGEND, NEW_LEGEND, {"scale": board.scale, "unit": board.unit})
        assert new == old
    assert board.regions and board.bars.bars and board.table.rows


@pytest.mark.parametrize("language", ["kk", "en"])
@pytest.mark.parametrize("schools_link", [True, False])
def test_the_region_pages_markup_is_the_templates_byte_for_byte(client, cast, regions, language, schools_link):
    client.force_login(cast.dana)
    client.cookies["shamy_language"] = language
    for region in regions[:2]:
        response = client.get(
            reverse("analytics:region-detail", args=[region.pk]),
            {"indicator": "high_speed_internet_share", "measure": "rural", "year": 2022},
        )
        assert response.status_code == 200
        page = response.context["page"]
        values = {
            "table": page.table,
            "indicator": page.table.indicator,
            "page": page,
            "schools_link": schools_link,
            "m": page.map,
        }
        with translation.override(language):
            old, new = _both(OLD_DISTRICT_ROWS, NEW_DISTRICT_ROWS, values)
            assert new == old
            empty = {**values, "table": type("Empty", (), {"rows": []})()}
            old, new = _both(OLD_DISTRICT_ROWS.split("¶")[0], NEW_DISTRICT_ROWS.split("¶")[0], empty)
            assert new == old
            assert "<tr><td colspan=" in new
            old, new = _both(OLD_BARS, NEW_BARS, {"chart": page.bars, "unit": page.unit})
            assert new == old


def test_every_region_on_the_map_has_its_link_title_and_fill(client, cast, regions):
    client.force_login(cast.dana)
    response = client.get(reverse("analytics:dashboard"), {"indicator": "high_speed_internet_share", "year": 2022})
    html = response.content.decode()
    board = response.context["board"]
    query = response.context["query"]
    linked = [item for item in board.regions if item.linked]
    assert set(regions) <= {item.region for item in linked}
    paths = re.findall(r'(<a [^>]*>)?<path class="region" ([^>]*)><title>([^<]*)</title></path>', html)
    assert len(paths) == len(board.regions)
    by_kato = {
        re.search(r'data-kato="([^"]*)"', attributes).group(1): (a, attributes, title) for a, attributes, title in paths
    }
    for item in board.regions:
        anchor, attributes, title = by_kato[item.shape.kato]
        assert htmllib.unescape(title) == item.title
        assert f'fill="{item.colour}"' in attributes
        if item.linked:
            url = reverse("analytics:region-detail", args=[item.region.pk])
            assert anchor == f'<a href="{url}?{query.replace("&", "&amp;")}" aria-label="{title}">'
            assert "tabindex" not in attributes
            # The figure is in the title and in the data the details box reads.
            assert item.value_text in htmllib.unescape(title)
            assert f'data-value="{item.value_text}"' in attributes
        else:
            assert anchor == ""
            assert 'tabindex="0"' in attributes
    # The table links every region to its page as well.
    for region in regions:
        assert html.count(f'href="{reverse("analytics:region-detail", args=[region.pk])}?') == 2


def test_names_with_quotes_and_markup_are_escaped_everywhere(client, cast, regions):
    client.force_login(cast.dana)
    html = client.get(reverse("analytics:dashboard"), {"indicator": "high_speed_internet_share"}).content.decode()
    escaped = "Ана &quot;Жер&quot; &lt;b&gt;&amp;amp; Co&#x27;s"
    assert QUOTED not in html and "<b>" not in html
    assert f'data-name="{escaped}"' in html
    assert f">{escaped}</a></th>" in html  # the region table
    assert f"<title>{escaped}: " in html  # the map's title and the bar's
    region_page = client.get(
        reverse("analytics:region-detail", args=[regions[0].pk]), {"indicator": "high_speed_internet_share"}
    ).content.decode()
    assert "<i>" not in region_page
    assert "Аудан &quot;0&quot; &lt;i&gt;</a></th>" in region_page
    assert "<title>Аудан &quot;0&quot; &lt;i&gt;: " in region_page  # its bar


def test_suppressed_cells_stay_suppressed_in_the_table_the_map_and_the_bars(client, reached):  # noqa: F811
    client.force_login(reached.aigerim)
    response = client.get(reverse("analytics:dashboard"), {"indicator": "programme_teachers", "measure": "total"})
    html = response.content.decode()
    board = response.context["board"]
    rows = {place.kato: row for place, row in board.table.rows}
    assert rows["47"].total.suppressed and rows["19"].total.suppressed
    for name in ("Маңғыстау облысы", "Алматы облысы"):
        row = html.split(f"{name}</a></th>")[1].split("</tr>")[0]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert '<abbr class="suppressed"' in cells[2]  # all schools
        assert ">12<" not in row and ">6<" not in row
    items = {item.shape.kato: item for item in board.regions}
    for kato in ("47", "19"):
        assert items[kato].value_text not in ("12", "6")
        assert f'data-value="{items[kato].value_text}"' in html
    assert ": 12</title>" not in html and ": 6</title>" not in html
