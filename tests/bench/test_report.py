from bench.run import BASELINE, Row, table


def test_the_table_marks_each_page_against_issue_8s_bar():
    rows = [
        Row(BASELINE, rps=1000, p50=1, p95=5, p99=9, queries=0),
        Row("fast enough", rps=100, p50=20, p95=99.9, p99=120, queries=4),
        Row("too few requests", rps=99, p50=20, p95=50, p99=60, queries=4),
        Row("too slow at p95", rps=400, p50=20, p95=100, p99=150, queries=4),
        Row("not measured", note="not available (URL missing)"),
    ]

    lines = {line.split(" | ")[0].lstrip("| "): line for line in table(rows).splitlines()[2:]}

    assert "| 10% | met |" in lines["fast enough"]
    assert "| 10% | missed |" in lines["too few requests"]
    assert "| 40% | missed |" in lines["too slow at p95"]
    assert "| 100% |  |" in lines[BASELINE]
    assert "| — |  | not available" in lines["not measured"]
