"""Times `kubechart apply` and `kubectl apply --server-side` on the same apps (see apply.sh)."""

import json
import pathlib
import statistics
import subprocess
import sys
import time

import yaml

WARM_RUNS = 5


def run(args, **kwargs):
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout


def largest_example(kubechart, examples):
    def count(path):
        return run([kubechart, "render", path])[1].count("\n---\n") + 1

    return max(sorted(examples.glob("*.yaml")), key=count)


def generated_app(size):
    """An app of `size` web tiers, each a ConfigMap, a Deployment and a Service."""
    return {
        "name": "fleet",
        "workloads": [
            {
                "name": f"web-{i}",
                "replicas": 1,
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "ports": [{"name": "http", "containerPort": 8080}],
                        "envFrom": [{"configMap": f"web-{i}"}],
                    }
                ],
            }
            for i in range(size)
        ],
        "configMaps": [{"name": f"web-{i}", "data": {"INDEX": str(i)}} for i in range(size)],
        "services": [
            {"workload": f"web-{i}", "ports": [{"port": 80, "targetPort": "http"}]}
            for i in range(size)
        ],
    }


def measure(label, spec, kubechart, work):
    results = {}
    for tool in ("kubechart", "kubectl"):
        app = dict(spec, namespace=f"bench-{tool}-{spec['name']}", createNamespace=True)
        spec_file = work / f"{tool}-{spec['name']}.json"
        spec_file.write_text(json.dumps(app))
        if tool == "kubechart":
            command = [kubechart, "apply", "-f", spec_file]
            delete = [kubechart, "delete", "-f", spec_file]
        else:
            manifests = work / f"{tool}-{spec['name']}.yaml"
            manifests.write_text(run([kubechart, "render", spec_file])[1])
            cache = work / "kubectl-cache"
            command = ["kubectl", "apply", "--server-side", "--field-manager=kubectl-bench",
                       f"--cache-dir={cache}", "-f", manifests]
            delete = ["kubectl", "delete", "--wait", "--ignore-not-found",
                      f"--cache-dir={cache}", "-f", manifests]
        cold, out = run(command)
        objects = len([line for line in out.splitlines() if line.strip()])
        warm = statistics.median(run(command)[0] for _ in range(WARM_RUNS))
        run(delete)
        results[tool] = (cold, warm, objects)
    kc, kubectl = results["kubechart"], results["kubectl"]
    print(f"\n{label}: {kc[2]} objects")
    print(f"  {'':10} {'cold':>9} {'warm (median of %d)' % WARM_RUNS:>22}")
    print(f"  {'kubechart':10} {kc[0] * 1000:7.0f}ms {kc[1] * 1000:20.0f}ms")
    print(f"  {'kubectl':10} {kubectl[0] * 1000:7.0f}ms {kubectl[1] * 1000:20.0f}ms")
    print(f"  {'ratio':10} {kc[0] / kubectl[0]:8.2f}x {kc[1] / kubectl[1]:21.2f}x   (kubechart / kubectl)")


def main():
    kubechart, examples, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    example = largest_example(kubechart, examples)
    measure(f"largest example ({example.name})", yaml.safe_load(example.read_text()), kubechart, work)
    measure("generated app", generated_app(40), kubechart, work)


if __name__ == "__main__":
    main()
