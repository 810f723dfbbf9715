#!/usr/bin/env python3
"""The chart through Helm's own engine (PyPI helm-python-sdk), for the installation tests.

    install_chart.py lint   VALUES_JSON   # Helm's lint report, as JSON
    install_chart.py render VALUES_JSON   # the rendered objects in install order, as a JSON list

A template that refuses its values (`fail`) exits 2 with Helm's message on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "deploy"))

import generate  # noqa: E402  (deploy/generate.py: the chart's renderer)
import helm_python as helm  # noqa: E402


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("lint", "render"):
        print(__doc__, file=sys.stderr)
        return 64
    command, values = sys.argv[1], json.loads(sys.argv[2])
    try:
        if command == "lint":
            report = helm.lint(generate.CHART, values, namespace=generate.NAMESPACE, strict=True)
            json.dump(report, sys.stdout)
        else:
            json.dump([doc.object for doc in generate.render(values)], sys.stdout)
    except helm.HelmError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
