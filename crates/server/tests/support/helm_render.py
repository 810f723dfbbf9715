"""Lints and renders a Helm chart archive with Helm's own engine (the helm-python-sdk package).

Usage: helm_render.py ARCHIVE VALUES_JSON

Prints one JSON object: the lint report, the chart's metadata, and the rendered manifests by
template path, rendered with VALUES_JSON over the chart's default values.
"""

import json
import sys

try:
    import helm_python
except ImportError:
    sys.exit("the Python package helm-python-sdk is not installed (pip install helm-python-sdk)")


def main() -> None:
    archive, values = sys.argv[1], json.loads(sys.argv[2])
    report = helm_python.lint(archive)
    with open(archive, "rb") as file:
        data = file.read()
    with helm_python.Chart.load_archive(data) as chart:
        manifests = chart.render(values=values or None, name="release")
        metadata = chart.metadata
    json.dump({"lint": report, "metadata": metadata, "manifests": manifests}, sys.stdout)


if __name__ == "__main__":
    main()
