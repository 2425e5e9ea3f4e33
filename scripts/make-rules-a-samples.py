#!/usr/bin/env python3
"""Writes samples/excluded-by-tag/plan.json: a `terraform show -json` plan with GuardDuty Runtime Monitoring
and automated agent configuration, and two EKS clusters, one of them tagged GuardDutyManaged=false.
Re-run after editing; the output and samples/excluded-by-tag/expected.txt are committed and checked by tests."""
import json, os

REGION = "ap-northeast-1"
PROVIDER = "registry.terraform.io/hashicorp/aws"

def resource(address, rtype, values):
    name = address.split(".")[-1]
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "provider_name": PROVIDER,
            "schema_version": 0, "values": values, "sensitive_values": {}}

def const(v):
    return {"constant_value": v}

def refs(*r):
    return {"references": list(r)}

def plan():
    clusters = [("web", {"team": "web"}), ("payments", {"team": "payments", "GuardDutyManaged": "false"})]
    planned, config = [], []
    planned.append(resource("aws_guardduty_detector.this", "aws_guardduty_detector", {"enable": True}))
    config.append({"address": "aws_guardduty_detector.this", "mode": "managed", "type": "aws_guardduty_detector", "name": "this",
                   "provider_config_key": "aws", "expressions": {"enable": const(True)}, "schema_version": 0})
    feature = {"name": "RUNTIME_MONITORING", "status": "ENABLED",
               "additional_configuration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]}
    planned.append(resource("aws_guardduty_detector_feature.runtime_monitoring", "aws_guardduty_detector_feature", feature))
    config.append({"address": "aws_guardduty_detector_feature.runtime_monitoring", "mode": "managed",
                   "type": "aws_guardduty_detector_feature", "name": "runtime_monitoring", "provider_config_key": "aws",
                   "expressions": {"detector_id": refs("aws_guardduty_detector.this.id", "aws_guardduty_detector.this"),
                                   "name": const("RUNTIME_MONITORING"), "status": const("ENABLED"),
                                   "additional_configuration": [{"name": const("EKS_ADDON_MANAGEMENT"), "status": const("ENABLED")}]},
                   "schema_version": 0})
    planned.append(resource("aws_vpc.main", "aws_vpc", {"cidr_block": "10.70.0.0/16", "enable_dns_support": True,
                                                         "enable_dns_hostnames": True, "instance_tenancy": "default"}))
    config.append({"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main", "provider_config_key": "aws",
                   "expressions": {"cidr_block": const("10.70.0.0/16"), "enable_dns_support": const(True),
                                   "enable_dns_hostnames": const(True)}, "schema_version": 1})
    for i, az in enumerate(["a", "c"]):
        addr = f"aws_subnet.private_{az}"
        planned.append(resource(addr, "aws_subnet", {"cidr_block": f"10.70.{i+1}.0/24", "availability_zone": f"{REGION}{az}"}))
        config.append({"address": addr, "mode": "managed", "type": "aws_subnet", "name": f"private_{az}", "provider_config_key": "aws",
                       "expressions": {"vpc_id": refs("aws_vpc.main.id", "aws_vpc.main"), "cidr_block": const(f"10.70.{i+1}.0/24"),
                                       "availability_zone": const(f"{REGION}{az}")}, "schema_version": 1})
    subnet_refs = refs("aws_subnet.private_a.id", "aws_subnet.private_a", "aws_subnet.private_c.id", "aws_subnet.private_c")
    for name, tags in clusters:
        values = {"name": name, "version": "1.34", "role_arn": f"arn:aws:iam::111122223333:role/{name}-eks",
                  "vpc_config": [{"endpoint_private_access": True, "endpoint_public_access": False}],
                  "tags": tags, "bootstrap_self_managed_addons": True}
        planned.append(resource(f"aws_eks_cluster.{name}", "aws_eks_cluster", values))
        config.append({"address": f"aws_eks_cluster.{name}", "mode": "managed", "type": "aws_eks_cluster", "name": name,
                       "provider_config_key": "aws",
                       "expressions": {"name": const(name), "version": const("1.34"), "role_arn": const(values["role_arn"]),
                                       "vpc_config": [{"subnet_ids": subnet_refs, "endpoint_private_access": const(True),
                                                       "endpoint_public_access": const(False)}],
                                       "tags": const(tags)}, "schema_version": 0})
        ng = {"node_group_name": f"{name}-default", "ami_type": "AL2023_x86_64_STANDARD", "instance_types": ["m6i.large"],
              "capacity_type": "ON_DEMAND", "scaling_config": [{"desired_size": 2, "max_size": 4, "min_size": 2}]}
        planned.append(resource(f"aws_eks_node_group.{name}", "aws_eks_node_group", ng))
        config.append({"address": f"aws_eks_node_group.{name}", "mode": "managed", "type": "aws_eks_node_group", "name": name,
                       "provider_config_key": "aws",
                       "expressions": {"cluster_name": refs(f"aws_eks_cluster.{name}.name", f"aws_eks_cluster.{name}"),
                                       "node_group_name": const(ng["node_group_name"]), "ami_type": const(ng["ami_type"]),
                                       "instance_types": const(ng["instance_types"]), "subnet_ids": subnet_refs,
                                       "scaling_config": [{"desired_size": const(2), "max_size": const(4), "min_size": const(2)}]},
                       "schema_version": 0})
    changes = []
    for r in planned:
        unknown = {"id": True, "arn": True}
        changes.append({"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"],
                        "provider_name": PROVIDER, "change": {"actions": ["create"], "before": None, "after": r["values"],
                                                              "after_unknown": unknown, "before_sensitive": False, "after_sensitive": {}}})
    return {"format_version": "1.2", "terraform_version": "1.9.5", "variables": {},
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER, "version_constraint": "~> 5.0",
                                                           "expressions": {"region": const(REGION)}}},
                              "root_module": {"resources": config}},
            "timestamp": "2026-11-28T09:00:00Z", "applyable": True, "complete": True, "errored": False}

root = os.path.join(os.path.dirname(__file__), "..", "samples", "excluded-by-tag")
os.makedirs(root, exist_ok=True)
with open(os.path.join(root, "plan.json"), "w") as f:
    json.dump(plan(), f, indent=2)
    f.write("\n")
