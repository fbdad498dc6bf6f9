"""report.html: one self-contained page, opened in a real headless browser (Debian's chromium)."""

import re
import shutil
import subprocess

import numpy as np
import pytest
from matplotlib import image

from tf1_tutorials.evidence import bands, report, report_html, report_model, store

# Every address the page could reach goes to a closed local port: the page must need none.
OFFLINE = "--proxy-server=127.0.0.1:9"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is not installed: `make chromium` installs it (part of make test)"
    return found


def browse(page, *flags):
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", OFFLINE, *flags, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


# One pytest-xdist worker takes the whole module, so its module fixture is built once.
pytestmark = pytest.mark.xdist_group("test_report_html")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    report.write_report(out, html=True)
    return out / report.HTML_FILE


def test_the_page_needs_nothing_from_outside(page):
    text = page.read_text()
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", text), "an external asset"
    assert "<link" not in text and "<script" not in text
    assert text.count('src="data:image/png;base64,') == 2


def test_the_page_leads_with_the_findings_and_states_what_the_runs_were_made_with(page):
    text = page.read_text()
    assert text.index('id="findings"') < text.index("<h2>Every entry</h2>")
    block = text[text.index("<h2>Reproducibility</h2>") :]
    for words in (
        "TensorFlow",
        "tf-keras",
        "NumPy",
        "Python",
        "oneDNN",
        "Seeds per entry",
        "commit",
    ):
        assert words in block


def test_findings_rows_are_marked(tmp_path):
    data = {
        "softmax-lr0.01-6000": {
            "tensorflow": "2.21.0",
            "runs": [
                {"seed": s, "test_accuracy": a, "test_images": 10000, "diverged": False}
                for s, a in enumerate([0.9150, 0.9152, 0.9154, 0.9156, 0.9158], start=1)
            ],
        }
    }
    text = report_html.render(report_model.build(data, {}, {}), {})
    assert '<tr id="entry-softmax-lr0.01-6000" class="finding">' in text
    assert "<strong>softmax-lr0.01-6000</strong>" in text


def test_chromium_renders_every_entry_and_a_non_blank_page(page, tmp_path):
    dom = browse(page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for item in bands.ENTRIES:
        assert f'id="entry-{item.key}"' in dom.stdout, item.key
    shot = tmp_path / "report.png"
    done = browse(page, f"--screenshot={shot}", "--window-size=1400,2400")
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    pixels = image.imread(shot)
    assert pixels.shape[:2] == (2400, 1400)
    assert np.std(pixels[..., :3]) > 0.05, "the screenshot is blank"


def test_the_writers_render_one_model_and_never_import_each_other():
    from pathlib import Path

    from tf1_tutorials.evidence import report_markdown

    for writer, sibling in ((report_html, "report_markdown"), (report_markdown, "report_html")):
        assert sibling not in Path(writer.__file__).read_text()
    model = report_model.build(store.load(), {}, {})
    markdown = report_markdown.render(model)
    page = report_html.render(model, {})
    for part in (model.findings, *model.sections):
        assert f"## {part.title}" in markdown or part is model.findings
        assert f"<h2>{part.title}</h2>" in page or part is model.findings
    for row in model.sections[0].table.rows:
        assert f"| {row.cells[0]} | {row.cells[1]} |" in markdown
        assert f'<tr id="entry-{row.key}"' in page
