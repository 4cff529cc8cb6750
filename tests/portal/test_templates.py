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
