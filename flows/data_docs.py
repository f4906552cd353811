"""Data Docs that work offline: static HTML pages rendered from the Great Expectations results.

GX's own site loads its scripts, styles and icons from public CDNs, so opened from disk without a
network its index lists nothing and its result pages lose their status marks. These pages are
plain HTML with inline CSS and text marks: no script, no font, no link leaves the folder.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from flows.expectations import STAGES
from schemas.contract import DATASETS

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.n { text-align: right; }
.passed { color: #1a7f37; font-weight: bold; }
.failed { color: #b42318; font-weight: bold; }
.warned { color: #9a6700; font-weight: bold; }
code { font-size: 90%; }
"""
# Status marks are text, so they show without an icon font.
MARKS = {"passed": "&#10004; passed", "failed": "&#10008; failed", "warned": "&#9888; warned"}


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _status(success: bool, severity: str) -> str:
    return "passed" if success else ("warned" if severity == "warning" else "failed")


def _mark(status: str) -> str:
    return f'<span class="{status}">{MARKS[status]}</span>'


def _results(report_dir: Path) -> dict[str, dict]:
    """GX result JSON per suite name ("<dataset>.<stage>"), in contract then stage order."""
    found = {p.stem: json.loads(p.read_text()) for p in sorted((report_dir / "results").glob("*.json"))}
    order = {name: i for i, name in enumerate(DATASETS)}

    def position(suite: str) -> tuple:
        dataset, _, stage = suite.rpartition(".")
        return (order.get(dataset, len(order)), STAGES.index(stage) if stage in STAGES else len(STAGES), suite)

    return dict(sorted(found.items(), key=lambda kv: position(kv[0])))


def _expectation_rows(result: dict) -> list[str]:
    rows = []
    for item in result.get("results", []):
        config = item.get("expectation_config", {})
        meta = config.get("meta", {})
        severity = meta.get("severity", "blocking")
        status = _status(bool(item.get("success")), severity)
        outcome = item.get("result", {}) or {}
        checked = outcome.get("element_count", outcome.get("observed_value", ""))
        unexpected = outcome.get("unexpected_count", 0 if item.get("success") else "")
        sample = outcome.get("partial_unexpected_list") or []
        index = outcome.get("partial_unexpected_index_list") or []
        shown = ", ".join(html.escape(repr(v)) for v in sample[:10])
        rows.append(
            "<tr>"
            f"<td>{_mark(status)}</td><td>{html.escape(severity)}</td>"
            f"<td>{html.escape(meta.get('rule', ''))}</td><td><code>{html.escape(config.get('type', ''))}</code></td>"
            f"<td class=\"n\">{html.escape(str(checked))}</td><td class=\"n\">{html.escape(str(unexpected))}</td>"
            f"<td>{shown}</td><td>{html.escape(', '.join(str(i) for i in index[:10]))}</td>"
            "</tr>"
        )
    return rows


def _suite_page(suite: str, result: dict, summary: dict) -> str:
    dataset = suite.rsplit(".", 1)[0]
    stats = result.get("statistics", {})
    counts = summary.get(dataset, {})
    run_time = result.get("meta", {}).get("run_id", {}).get("run_time", "")
    body = [
        '<p><a href="index.html">&larr; all suites</a></p>',
        f"<h1>{html.escape(suite)}</h1>",
        f"<p>Run at {html.escape(str(run_time))}. Dataset <b>{html.escape(dataset)}</b>: "
        f"{counts.get('rows_checked', '')} rows checked, {counts.get('rows_quarantined', '')} quarantined, "
        f"{counts.get('rows_with_warnings', '')} with warnings.</p>",
        f"<p>{stats.get('evaluated_expectations', 0)} expectations evaluated, {stats.get('successful_expectations', 0)} passed, "
        f"{stats.get('unsuccessful_expectations', 0)} did not.</p>",
        "<table><tr><th>status</th><th>severity</th><th>rule</th><th>expectation</th><th>rows checked</th>"
        "<th>rows failing</th><th>values (first 10)</th><th>row positions (first 10)</th></tr>",
        *_expectation_rows(result),
        "</table>",
    ]
    return _page(f"{suite}: scrutiny validation", "\n".join(body))


def _index(results: dict[str, dict], summary: dict, prefix: str) -> str:
    run_times = sorted(str(r.get("meta", {}).get("run_id", {}).get("run_time", "")) for r in results.values())
    totals = {k: sum(int(d.get(k, 0) or 0) for d in summary.values()) for k in ("rows_checked", "rows_quarantined", "rows_with_warnings")}
    rows = []
    for suite, result in results.items():
        dataset = suite.rsplit(".", 1)[0]
        counts = summary.get(dataset, {})
        items = result.get("results", [])
        failed = sum(1 for i in items if not i.get("success") and i.get("expectation_config", {}).get("meta", {}).get("severity") != "warning")
        warned = sum(1 for i in items if not i.get("success") and i.get("expectation_config", {}).get("meta", {}).get("severity") == "warning")
        status = "failed" if failed else ("warned" if warned else "passed")
        rows.append(
            "<tr>"
            f"<td>{_mark(status)}</td><td><a href=\"{prefix}{html.escape(suite)}.html\">{html.escape(suite)}</a></td>"
            f"<td class=\"n\">{len(items)}</td><td class=\"n\">{failed}</td><td class=\"n\">{warned}</td>"
            f"<td class=\"n\">{counts.get('rows_checked', '')}</td><td class=\"n\">{counts.get('rows_quarantined', '')}</td>"
            f"<td class=\"n\">{counts.get('rows_with_warnings', '')}</td>"
            "</tr>"
        )
    body = [
        "<h1>scrutiny validation</h1>",
        f"<p>Run at {html.escape(run_times[-1] if run_times else '')}: {len(results)} suites, {totals['rows_checked']} rows checked, "
        f"{totals['rows_quarantined']} quarantined, {totals['rows_with_warnings']} with warnings.</p>",
        "<p>Every suite generated from the contract, with its status: "
        f"{MARKS['failed']} = a blocking expectation failed (its rows are quarantined), "
        f"{MARKS['warned']} = only warnings failed (rows published and counted), {MARKS['passed']}.</p>",
        "<table><tr><th>status</th><th>suite</th><th>expectations</th><th>failed (blocking)</th><th>warned</th>"
        "<th>rows checked</th><th>rows quarantined</th><th>rows with warnings</th></tr>",
        *rows,
        "</table>",
    ]
    return _page("scrutiny validation", "\n".join(body))


def render_data_docs(report_dir: Path, docs_dir: str = "data_docs") -> None:
    """Write `index.html` and `<docs_dir>/` (an index and one page per suite) from `report_dir`'s results."""
    results = _results(report_dir)
    summary_path = report_dir / "summary.json"
    summary = json.loads(summary_path.read_text()).get("datasets", {}) if summary_path.exists() else {}
    docs = report_dir / docs_dir
    docs.mkdir(parents=True, exist_ok=True)
    for suite, result in results.items():
        (docs / f"{suite}.html").write_text(_suite_page(suite, result, summary))
    (docs / "index.html").write_text(_index(results, summary, ""))
    (report_dir / "index.html").write_text(_index(results, summary, f"{docs_dir}/"))
