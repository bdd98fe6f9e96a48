#!/usr/bin/env bash
# scripts/suite-times.sh — time per test class of the last ./scripts/test.sh run (from artifacts/test-run/*.trx).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 - artifacts/test-run/*.trx <<'PY'
import re, sys, collections
import xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
totals, counts = collections.Counter(), collections.Counter()
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    classes = {d.get("id"): d.find("t:TestMethod", ns).get("className") for d in root.iterfind(".//t:UnitTest", ns)}
    for r in root.iterfind(".//t:UnitTestResult", ns):
        h, m, s = r.get("duration", "0:0:0").split(":")
        name = classes.get(r.get("testId"), "?").rsplit(".", 1)[-1]
        totals[name] += int(h) * 3600 + int(m) * 60 + float(s)
        counts[name] += 1
for name, seconds in totals.most_common():
    print(f"{seconds:8.1f} s  {counts[name]:5d} tests  {name}")
print(f"{sum(totals.values()):8.1f} s  {sum(counts.values()):5d} tests  total")
PY
