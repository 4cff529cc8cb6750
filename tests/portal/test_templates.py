"""Rules every template keeps."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LINK = re.compile(r"<a\b[^>]*>", re.DOTALL)


def test_every_download_link_is_left_to_the_browser():
    """The body boosts links through htmx, which would fetch a file into the page instead of saving it (the
    archive's PDF button did nothing in the browser journey): a download link opts out of boosting."""
    boosted = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in LINK.findall(path.read_text())
        if re.search(r"\sdownload[\s>=]", tag) and 'hx-boost="false"' not in tag
    ]
    assert boosted == []
    assert any(" download" in tag for path in TEMPLATES.rglob("*.html") for tag in LINK.findall(path.read_text()))


def test_templates_ask_can_never_a_role_string():
    """What a role may see is the role matrix's to say (`can('blueprint.endpoint')`), not a template's."""
    asking_the_role = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"current_user\.role\s*(==|!=|in\b|not in\b)", line)
    ]
    assert asking_the_role == []


HAND_WRITTEN = r'class="(breadcrumbs|actions)"|aria-label="breadcrumb'


def test_breadcrumbs_and_page_actions_are_laid_out_by_base_html_alone():
    """Pages fill the `breadcrumbs` and `page_actions` blocks; the markup around them is written once."""
    hand_written = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.name != "base.html" and re.search(HAND_WRITTEN, path.read_text())
    ]
    assert hand_written == []


def test_a_page_gets_its_breadcrumbs_heading_and_actions_from_the_blocks(client, login_as, make_unit):
    login_as("admin")
    unit = make_unit()
    body = client.get(f"/units/{unit.key}").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumbs">(.*?)</nav>', body, re.S).group(1)
    assert 'href="/units/">Units</a>' in crumbs
    head = re.search(r'<div class="page-head">(.*?)</main>', body, re.S).group(1)
    assert f"<h1>{unit.name}</h1>" in head
    actions = re.search(r'<div class="actions">(.*?)</div>', head, re.S).group(1)
    assert "Success review" in actions and "Edit unit" in actions
    overview = client.get("/").get_data(as_text=True)
    assert 'class="breadcrumbs"' not in overview and 'class="actions"' not in overview  # empty blocks: no markup


def test_no_template_line_runs_on():
    """Lines are split at tags and attributes (about 160 characters); only a few lines of running prose are longer."""
    long_lines = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if len(line) > 300
    ]
    assert long_lines == []
