#!/usr/bin/env python3
"""Checks the deployment files: the Helm chart with the real Helm SDK (lint, render with
the default and the production-like values and with an image digest, values that must
fail on the schema), every rendered manifest parsed strictly (no key twice) and checked
against Kubernetes' own schemas (strict), the chart's security, probe and network
promises, and docker-compose.yml with `docker-compose config -q`.

Needs: pip install helm-python-sdk kubernetes-validate; Debian's docker-compose.
"""

import copy
import pathlib
import re
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
    return condition


def lint(values, what):
    report = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBERNETES}")
    for message in report["messages"]:
        print(f"     lint {what}: {message['path']}: {message['error'].strip()}")
    check(report["total_charts_linted"] == 1 and not report["errors"], f"helm lint {what}: {report['errors']}")
    if not report["errors"]:
        print(f"ok   helm lint --strict ({what})")


class DuplicateKey(yaml.YAMLError):
    pass


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key twice in one mapping is an error (the safe
    loader silently keeps the last one; a cluster's parser may refuse it or keep another)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise DuplicateKey(f"duplicate key {key!r} on line {key_node.start_mark.line + 1}"
                                       f" (first on line {seen[key] + 1})")
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def render(values, what):
    """The rendered manifests of `values` as a list of (template, document), each document
    parsed strictly: a duplicate key anywhere in it fails the check."""
    with helm.Chart.load(str(CHART)) as chart:
        rendered = chart.render(values, name="kefu", namespace="kefu", is_install=True)
    documents = []
    duplicates = 0
    for template, text in sorted(rendered.items()):
        if not template.endswith(".yaml"):
            continue
        # One document at a time (split as Helm splits a template's output), so every
        # document with a duplicate is named; line numbers count from the document's start.
        for source in re.split(r"(?:^|\n)---[ \t]*(?=\n|$)", text):
            try:
                document = yaml.load(source, Loader=StrictLoader)
            except DuplicateKey as error:
                duplicates += 1
                document = yaml.safe_load(source)
                name = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
                check(False, f"{what}: {template} {name}: {error}")
            if document:
                documents.append((template, document))
    print(f"ok   rendered {len(documents)} manifests ({what})")
    if not duplicates:
        print(f"ok   no duplicate key in any rendered manifest (strict YAML, {what})")
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
        components = sorted(d["metadata"]["labels"]["app.kubernetes.io/component"] for d in kinds.get(kind, [])
                            if "helm.sh/hook" not in d["metadata"].get("annotations", {}))
        if kind == "HorizontalPodAutoscaler" and what == "default values":
            continue  # only the services with autoscaling on
        check(components == services, f"{what}: {kind} for {components}, want {services}")
    for deployment in kinds["Deployment"]:
        name = deployment["metadata"]["name"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        check(selector.items() <= labels.items(), f"{name}: the pods carry the selector's labels")
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
    migrate_policy(kinds, hooks, what)
    tests = [d for d in kinds.get("Pod", []) if d["metadata"].get("annotations", {}).get("helm.sh/hook") == "test"]
    check(len(tests) == 1 and any("/readyz" in a for a in tests[0]["spec"]["containers"][0]["args"]),
          f"{what}: a helm test pod calling the gateway's /readyz")
    check(len(kinds.get("ServiceAccount", [])) == 1, f"{what}: a ServiceAccount")
    check(len(kinds.get("ConfigMap", [])) >= 1, f"{what}: a ConfigMap")
    if not failures:
        print(f"ok   security contexts, probes, limits, hooks, the migrate NetworkPolicy and the test pod ({what})")


def migrate_policy(kinds, jobs, what):
    """The migrate Job's own NetworkPolicy: a hook in place before the Job, selecting only
    its pods, no ingress, egress to DNS and the database port only."""
    policies = [d for d in kinds.get("NetworkPolicy", []) if "helm.sh/hook" in d["metadata"].get("annotations", {})]
    if not check(len(policies) == 1 and len(jobs) == 1, f"{what}: one hook NetworkPolicy for the migrate Job"):
        return
    policy, job = policies[0], jobs[0]
    annotations, job_annotations = policy["metadata"]["annotations"], job["metadata"]["annotations"]
    check(annotations["helm.sh/hook"] == job_annotations["helm.sh/hook"], f"{what}: the migrate policy hooks as the Job")
    check(int(annotations["helm.sh/hook-weight"]) < int(job_annotations["helm.sh/hook-weight"]),
          f"{what}: the migrate policy's hook weight is below the Job's")
    check(annotations.get("helm.sh/hook-delete-policy") == job_annotations.get("helm.sh/hook-delete-policy"),
          f"{what}: the migrate policy is deleted as the Job is")
    selector = policy["spec"]["podSelector"]["matchLabels"]
    job_labels = job["spec"]["template"]["metadata"]["labels"]
    check(selector.items() <= job_labels.items(), f"{what}: the migrate policy selects the Job's pods")
    others = [(d["metadata"]["name"], d["spec"]["template"]["metadata"]["labels"]) for d in kinds["Deployment"]]
    others += [(d["metadata"]["name"], d["metadata"]["labels"]) for d in kinds.get("Pod", [])]
    for name, labels in others:
        check(not selector.items() <= labels.items(), f"{what}: the migrate policy selects {name}")
    spec = policy["spec"]
    check(sorted(spec["policyTypes"]) == ["Egress", "Ingress"] and not spec.get("ingress"),
          f"{what}: the migrate policy admits no traffic")
    ports = sorted((p["protocol"], p["port"]) for rule in spec.get("egress", []) for p in rule.get("ports", []))
    port = yaml.safe_load((CHART / "values.yaml").read_text())["database"]["port"]
    check(ports == sorted([("TCP", 53), ("UDP", 53), ("TCP", port)]) and all(r.get("ports") for r in spec["egress"]),
          f"{what}: the migrate policy lets out DNS and the database port only, not {ports}")


def digest(values, what):
    """With `image.digest` set every Kefu container runs repository@digest."""
    pinned = copy.deepcopy(values)
    pinned.setdefault("image", {})["digest"] = "sha256:" + "0123456789abcdef" * 4
    documents = render(pinned, what)
    validate(documents, what)
    repository = pinned["image"].get("repository") or yaml.safe_load((CHART / "values.yaml").read_text())["image"]["repository"]
    want = f"{repository}@{pinned['image']['digest']}"
    pods = {}
    for _, document in documents:
        spec = document.get("spec", {})
        pod = spec.get("template", {}).get("spec") if document["kind"] in ("Deployment", "Job") else spec
        if document["kind"] in ("Deployment", "Job", "Pod"):
            pods[f"{document['kind']}/{document['metadata']['name']}"] = pod
    kinds = sorted(name.split("/")[0] for name in pods)
    check(kinds.count("Deployment") == 4 and kinds.count("Job") == 1, f"{what}: Deployments and the migrate Job, got {kinds}")
    for name, pod in pods.items():
        for container in pod.get("initContainers", []) + pod["containers"]:
            check(container["image"] == want, f"{what}: {name} runs {container['image']}, want {want}")
    if not failures:
        print(f"ok   every Deployment, the migrate Job and the test pod run {want} ({what})")


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
    digest({}, "an image digest")
    digest(production, "production values and an image digest")

    wrong = copy.deepcopy(defaults)
    wrong["services"]["tickets"]["replicaCount"] = "two"
    must_fail(wrong, "a string for services.tickets.replicaCount")
    must_fail({"image": {"tag": None}}, "no image tag")
    must_fail({"image": {"tag": ""}}, "an empty image tag")
    must_fail({"kafka": {"brokers": 9092}}, "a number for kafka.brokers")
    must_fail({"masterKey": "too-short"}, "a master key that is not base64 of 32 bytes")
    must_fail({"image": {"digest": "sha256:abc"}}, "an image digest that is not sha256:<64 hex digits>")
    must_fail({"image": {"digest": "0.1.0"}}, "a tag for image.digest")
    must_fail({"services": {"gateway": {"replicas": 3}}}, "an unknown property of a service")
    must_fail({"services": {"accounts": {"autoscaling": {"enabled": "yes"}}}}, "a string for services.accounts.autoscaling.enabled")
    must_fail({"extraEnv": {"KEFU_LOG": "debug"}}, "extraEnv redefining a variable the chart sets (KEFU_LOG)")
    must_fail({"podLabels": {"app.kubernetes.io/component": "x"}}, "podLabels redefining a label the chart sets")
    must_fail({"podAnnotations": {"checksum/config": "x"}}, "podAnnotations redefining checksum/config")

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
