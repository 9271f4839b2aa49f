#!/usr/bin/env python3
"""Checks the deployment files: the Helm chart with the real Helm SDK (lint, render with
the default and the production-like values, values that must fail on the schema), every
rendered manifest against Kubernetes' own schemas (strict), the chart's security and
probe promises, and docker-compose.yml with `docker-compose config -q`.

Needs: pip install helm-python-sdk kubernetes-validate; Debian's docker-compose.
"""

import copy
import pathlib
import subprocess
import sys

import helm_python as helm
import kubernetes_validate
import yaml
from kubernetes_validate.utils import VersionNotSupportedError

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHART = ROOT / "helm" / "kefu"
PRODUCTION = CHART / "ci" / "production-values.yaml"
KUBERNETES = kubernetes_validate.latest_version()
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL {message}")


def lint(values, what):
    report = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBERNETES}")
    for message in report["messages"]:
        print(f"     lint {what}: {message['path']}: {message['error'].strip()}")
    check(report["total_charts_linted"] == 1 and not report["errors"], f"helm lint {what}: {report['errors']}")
    if not report["errors"]:
        print(f"ok   helm lint --strict ({what})")


def render(values, what):
    """The rendered manifests of `values` as a list of (template, document)."""
    with helm.Chart.load(str(CHART)) as chart:
        rendered = chart.render(values, name="kefu", namespace="kefu", is_install=True)
    documents = []
    for template, text in sorted(rendered.items()):
        if not template.endswith(".yaml"):
            continue
        for document in yaml.safe_load_all(text):
            if document:
                documents.append((template, document))
    print(f"ok   rendered {len(documents)} manifests ({what})")
    return documents


def validate(documents, what):
    bad = 0
    for template, document in documents:
        name = f"{template} {document.get('kind')}/{document.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(document, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as error:
            bad += 1
            check(False, f"{what}: {name}: {'.'.join(map(str, error.path))}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            bad += 1
            check(False, f"{what}: {name}: {error.message}")
        except VersionNotSupportedError as error:
            sys.exit(error.message)
    if not bad:
        print(f"ok   {len(documents)} manifests valid for Kubernetes {KUBERNETES} (strict, {what})")


def promises(documents, what):
    """What the chart promises platform teams, beyond being valid Kubernetes."""
    kinds = {}
    for _, document in documents:
        kinds.setdefault(document["kind"], []).append(document)
    services = sorted(yaml.safe_load((CHART / "values.yaml").read_text())["services"])
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"):
        components = sorted(d["metadata"]["labels"]["app.kubernetes.io/component"] for d in kinds.get(kind, []))
        if kind == "HorizontalPodAutoscaler" and what == "default values":
            continue  # only the services with autoscaling on
        check(components == services, f"{what}: {kind} for {components}, want {services}")
    for deployment in kinds["Deployment"]:
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        check(pod["securityContext"].get("runAsNonRoot") is True, f"{name}: runAsNonRoot")
        for container in pod["containers"]:
            security = container["securityContext"]
            check(security.get("readOnlyRootFilesystem") is True, f"{name}: read-only root filesystem")
            check(security.get("allowPrivilegeEscalation") is False, f"{name}: no privilege escalation")
            check(security.get("capabilities", {}).get("drop") == ["ALL"], f"{name}: capabilities dropped")
            check(container["livenessProbe"]["httpGet"]["path"] == "/healthz", f"{name}: liveness /healthz")
            check(container["readinessProbe"]["httpGet"]["path"] == "/readyz", f"{name}: readiness /readyz")
            check("limits" in container.get("resources", {}), f"{name}: resource limits")
    hooks = [d for d in kinds.get("Job", []) if "pre-install" in d["metadata"].get("annotations", {}).get("helm.sh/hook", "")]
    check(len(hooks) == 1 and hooks[0]["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"],
          f"{what}: a pre-install,pre-upgrade `kefu migrate` Job")
    tests = [d for d in kinds.get("Pod", []) if d["metadata"].get("annotations", {}).get("helm.sh/hook") == "test"]
    check(len(tests) == 1 and any("/readyz" in a for a in tests[0]["spec"]["containers"][0]["args"]),
          f"{what}: a helm test pod calling the gateway's /readyz")
    check(len(kinds.get("ServiceAccount", [])) == 1, f"{what}: a ServiceAccount")
    check(len(kinds.get("ConfigMap", [])) >= 1, f"{what}: a ConfigMap")
    if not failures:
        print(f"ok   security contexts, probes, limits, hooks and the test pod ({what})")


def documented_variables(documents, what):
    """The ConfigMap and Secret keys are variables the README's table documents."""
    readme = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("| `"):
            readme.add(line[3:].split("`")[0])
    for _, document in documents:
        if document["kind"] in ("ConfigMap", "Secret"):
            for key in document.get("data", {}):
                check(key in readme, f"{what}: {document['metadata']['name']} sets {key}, not in the README's table")
    if not failures:
        print(f"ok   every ConfigMap/Secret key is a documented variable ({what})")


def must_fail(values, what):
    with helm.Chart.load(str(CHART)) as chart:
        try:
            chart.render(values, name="kefu", namespace="kefu", is_install=True)
        except (helm.HelmValuesError, helm.HelmRenderError) as error:
            first = str(error).strip().splitlines()[-1]
            print(f"ok   refused {what}: {first}")
            return
    check(False, f"rendering with {what} should fail on the schema")


def main():
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    production = helm.values_from_yaml(PRODUCTION.read_text())
    print(f"helm SDK from helm-python-sdk; Kubernetes schemas {KUBERNETES}")

    lint({}, "default values")
    lint(production, "production values")
    documents = render({}, "default values")
    validate(documents, "default values")
    promises(documents, "default values")
    documented_variables(documents, "default values")
    documents = render(production, "production values")
    validate(documents, "production values")
    promises(documents, "production values")
    documented_variables(documents, "production values")

    wrong = copy.deepcopy(defaults)
    wrong["services"]["tickets"]["replicaCount"] = "two"
    must_fail(wrong, "a string for services.tickets.replicaCount")
    must_fail({"image": {"tag": None}}, "no image tag")
    must_fail({"image": {"tag": ""}}, "an empty image tag")
    must_fail({"kafka": {"brokers": 9092}}, "a number for kafka.brokers")
    must_fail({"masterKey": "too-short"}, "a master key that is not base64 of 32 bytes")

    compose = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                             capture_output=True, text=True)
    check(compose.returncode == 0, f"docker-compose config -q: {compose.stderr.strip()}")
    if compose.returncode == 0:
        print("ok   docker-compose config -q")

    if failures:
        print(f"{len(failures)} deployment check(s) failed")
        sys.exit(1)
    print("deployment checks passed")


if __name__ == "__main__":
    main()
