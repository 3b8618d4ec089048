from bench.run import BASELINE, Row, table


def test_the_table_marks_each_page_against_the_bar():
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


def test_with_more_than_16_connections_only_the_share_of_the_baseline_is_judged():
    rows = [
        Row(BASELINE, rps=1000, p50=4, p95=20, p99=30, queries=0),
        Row("queued but fast enough", rps=150, p50=80, p95=240, p99=300, queries=4),
        Row("too few requests", rps=90, p50=80, p95=240, p99=300, queries=4),
    ]

    lines = {line.split(" | ")[0].lstrip("| "): line for line in table(rows, connections=64).splitlines()[2:]}

    assert "| 15% | met |" in lines["queued but fast enough"]
    assert "| 9% | missed |" in lines["too few requests"]
    assert "| 15% | missed |" in table(rows, connections=16)
