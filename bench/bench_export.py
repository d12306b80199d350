"""Word export benchmark: one note against bare python-docx, a 1,000-note chart, read-back.

Targets (from the issue): one note within ~1.5x of python-docx writing the same text into a
bare document; a 1,000-note chart under 30 s. All content is synthetic.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx

from noteapp.export import expected_body_lines, read_docx, write_docx
from tests.export import samples

RATIO_TARGET = 1.5
CHART_TARGET_S = 30.0


def _median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(statistics.median(times))


def run(quick: bool) -> list[tuple[str, str]]:
    """Measure and return (measure, figure) rows."""
    repeats = 3 if quick else 15
    chart_notes = 200 if quick else 1000
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        job = samples.job(samples.amended_note())
        lines = expected_body_lines(job)

        def bare() -> None:
            document = docx.Document()
            for line in lines:
                document.add_paragraph(line)
            document.save(str(out / "bare.docx"))

        def ours() -> None:
            write_docx(job, out / "note.docx")

        bare(), ours()  # warm imports and caches
        t_bare = _median_time(bare, repeats)
        t_ours = _median_time(ours, repeats)
        rows.append(("one note: bare python-docx, same text", f"{t_bare * 1000:.1f} ms"))
        rows.append(("one note: write_docx", f"{t_ours * 1000:.1f} ms"))
        ratio = t_ours / t_bare
        verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
        rows.append(("one note: ratio (target <= 1.5)", f"{ratio:.2f}x {verdict}"))
        t_read = _median_time(lambda: read_docx(out / "note.docx"), repeats)
        rows.append(("read_docx of one note", f"{t_read * 1000:.1f} ms"))

        chart = samples.chart_job(chart_notes, logo=True)
        start = time.perf_counter()
        write_docx(chart, out / "chart.docx")
        t_chart = time.perf_counter() - start
        scaled = t_chart * (1000 / chart_notes)
        verdict = "ok" if scaled < CHART_TARGET_S else "MISSED"
        label = f"{chart_notes}-note chart: write_docx"
        rows.append((label, f"{t_chart:.2f} s ({(out / 'chart.docx').stat().st_size // 1024} KiB)"))
        if chart_notes != 1000:
            rows.append(("1,000-note chart, scaled (target < 30 s)", f"{scaled:.1f} s {verdict}"))
        else:
            rows.append(("1,000-note chart (target < 30 s)", f"{t_chart:.1f} s {verdict}"))
        start = time.perf_counter()
        read_docx(out / "chart.docx")
        rows.append(
            (f"{chart_notes}-note chart: read_docx", f"{time.perf_counter() - start:.2f} s")
        )
    return rows


def main(quick: bool = False) -> None:
    """Print the figures as a Markdown table."""
    rows = run(quick)
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure'.ljust(width)} | figure |")
    print(f"|{'-' * (width + 2)}|--------|")
    for name, figure in rows:
        print(f"| {name.ljust(width)} | {figure} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.bench_export")
    parser.add_argument("--quick", action="store_true")
    main(quick=parser.parse_args().quick)
