#!/usr/bin/env python3
"""Writes samples/terraform-*/plan.json: realistic `terraform show -json` plans (a VPC module call,
an EKS cluster, a node group, GuardDuty Runtime Monitoring with automated agent configuration).
Re-run after editing; the output is committed and checked by tests."""
import json, sys, os

def plan(dns_hostnames, version, ami="AL2023_x86_64_STANDARD"):
    vpc_values = {"cidr_block": "10.20.0.0/16", "enable_dns_support": True, "instance_tenancy": "default",
                  "tags": {"Name": "prod-vpc"}}
    vpc_cfg = {"cidr_block": {"references": ["var.cidr"]}, "enable_dns_support": {"references": ["var.enable_dns_support"]},
               "tags": {"references": ["var.tags"]}}
    if dns_hostnames is not None:
        vpc_values["enable_dns_hostnames"] = dns_hostnames
        vpc_cfg["enable_dns_hostnames"] = {"references": ["var.enable_dns_hostnames"]}
    subnets = []
    subnet_cfg = {"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private",
                  "provider_config_key": "aws", "expressions": {"vpc_id": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]},
                  "cidr_block": {"references": ["var.private_subnets", "count.index"]}}, "count_expression": {"references": ["var.private_subnets"]}}
    for i, az in enumerate(["us-east-1a", "us-east-1b"]):
        subnets.append({"address": f"module.vpc.aws_subnet.private[{i}]", "mode": "managed", "type": "aws_subnet", "name": "private",
                        "index": i, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
                        "values": {"availability_zone": az, "cidr_block": f"10.20.{i+1}.0/24", "map_public_ip_on_launch": False,
                                   "tags": {"Name": f"prod-private-{az}"}}, "sensitive_values": {"tags": {}}})
    module_vars = {"cidr": {"constant_value": "10.20.0.0/16"}, "enable_dns_support": {"constant_value": True},
                   "private_subnets": {"constant_value": ["10.20.1.0/24", "10.20.2.0/24"]}, "tags": {"constant_value": {"Name": "prod-vpc"}}}
    if dns_hostnames is not None:
        module_vars["enable_dns_hostnames"] = {"constant_value": dns_hostnames}
    cluster_values = {"name": "prod", "version": version, "role_arn": "arn:aws:iam::111122223333:role/prod-eks",
                      "vpc_config": [{"endpoint_private_access": True, "endpoint_public_access": False}],
                      "tags": {"team": "platform"}, "bootstrap_self_managed_addons": True}
    root_resources = [
        {"address": "aws_eks_cluster.prod", "mode": "managed", "type": "aws_eks_cluster", "name": "prod",
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": cluster_values, "sensitive_values": {}},
        {"address": "aws_eks_node_group.default", "mode": "managed", "type": "aws_eks_node_group", "name": "default",
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
         "values": {"node_group_name": "default", "ami_type": ami, "instance_types": ["m6i.large"], "capacity_type": "ON_DEMAND",
                    "scaling_config": [{"desired_size": 3, "max_size": 6, "min_size": 2}]}, "sensitive_values": {}},
        {"address": "aws_guardduty_detector.this", "mode": "managed", "type": "aws_guardduty_detector", "name": "this",
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": {"enable": True}, "sensitive_values": {}},
        {"address": "aws_guardduty_detector_feature.runtime_monitoring", "mode": "managed", "type": "aws_guardduty_detector_feature",
         "name": "runtime_monitoring", "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
         "values": {"name": "RUNTIME_MONITORING", "status": "ENABLED",
                    "additional_configuration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]}, "sensitive_values": {}},
    ]
    vpc_resource = {"address": "module.vpc.aws_vpc.this[0]", "mode": "managed", "type": "aws_vpc", "name": "this", "index": 0,
                    "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1, "values": vpc_values, "sensitive_values": {"tags": {}}}
    changes = []
    for r in root_resources + [vpc_resource] + subnets:
        unknown = {"id": True, "arn": True}
        if r["type"] == "aws_vpc" and dns_hostnames is None:
            unknown["enable_dns_hostnames"] = True
        changes.append({"address": r["address"], "module_address": "module.vpc" if r["address"].startswith("module.") else None,
                        "mode": "managed", "type": r["type"], "name": r["name"], "provider_name": r["provider_name"],
                        "change": {"actions": ["create"], "before": None, "after": r["values"], "after_unknown": unknown,
                                   "before_sensitive": False, "after_sensitive": {}}})
    for c in changes:
        if c["module_address"] is None: del c["module_address"]
    configuration = {
        "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "version_constraint": "~> 5.0",
                                    "expressions": {"region": {"constant_value": "us-east-1"}}}},
        "root_module": {
            "resources": [
                {"address": "aws_eks_cluster.prod", "mode": "managed", "type": "aws_eks_cluster", "name": "prod", "provider_config_key": "aws",
                 "expressions": {"name": {"constant_value": "prod"}, "version": {"constant_value": version},
                                 "role_arn": {"references": ["aws_iam_role.cluster.arn", "aws_iam_role.cluster"]},
                                 "vpc_config": [{"subnet_ids": {"references": ["module.vpc.private_subnets", "module.vpc"]},
                                                 "endpoint_private_access": {"constant_value": True},
                                                 "endpoint_public_access": {"constant_value": False}}],
                                 "tags": {"constant_value": {"team": "platform"}}}, "schema_version": 0},
                {"address": "aws_eks_node_group.default", "mode": "managed", "type": "aws_eks_node_group", "name": "default", "provider_config_key": "aws",
                 "expressions": {"cluster_name": {"references": ["aws_eks_cluster.prod.name", "aws_eks_cluster.prod"]},
                                 "node_group_name": {"constant_value": "default"}, "ami_type": {"constant_value": ami},
                                 "instance_types": {"constant_value": ["m6i.large"]},
                                 "subnet_ids": {"references": ["module.vpc.private_subnets", "module.vpc"]},
                                 "scaling_config": [{"desired_size": {"constant_value": 3}, "max_size": {"constant_value": 6}, "min_size": {"constant_value": 2}}]},
                 "schema_version": 0},
                {"address": "aws_guardduty_detector.this", "mode": "managed", "type": "aws_guardduty_detector", "name": "this", "provider_config_key": "aws",
                 "expressions": {"enable": {"constant_value": True}}, "schema_version": 0},
                {"address": "aws_guardduty_detector_feature.runtime_monitoring", "mode": "managed", "type": "aws_guardduty_detector_feature",
                 "name": "runtime_monitoring", "provider_config_key": "aws",
                 "expressions": {"detector_id": {"references": ["aws_guardduty_detector.this.id", "aws_guardduty_detector.this"]},
                                 "name": {"constant_value": "RUNTIME_MONITORING"}, "status": {"constant_value": "ENABLED"},
                                 "additional_configuration": [{"name": {"constant_value": "EKS_ADDON_MANAGEMENT"}, "status": {"constant_value": "ENABLED"}}]},
                 "schema_version": 0},
            ],
            "module_calls": {"vpc": {"source": "terraform-aws-modules/vpc/aws", "version_constraint": "~> 5.0", "expressions": module_vars,
                "module": {
                    "outputs": {"private_subnets": {"expression": {"references": ["aws_subnet.private"]}, "description": "List of IDs of private subnets"},
                                "vpc_id": {"expression": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]}}},
                    "resources": [
                        {"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this", "provider_config_key": "aws",
                         "expressions": vpc_cfg, "schema_version": 1, "count_expression": {"constant_value": 1}},
                        subnet_cfg],
                    "variables": {"cidr": {"default": "10.0.0.0/16"}, "enable_dns_hostnames": {"default": True},
                                  "enable_dns_support": {"default": True}, "private_subnets": {"default": []}, "tags": {"default": {}}}}}},
        }}
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "variables": {},
            "planned_values": {"root_module": {"resources": root_resources, "child_modules": [
                {"address": "module.vpc", "resources": [vpc_resource] + subnets}]}},
            "resource_changes": changes, "configuration": configuration, "timestamp": "2026-11-28T09:00:00Z", "applyable": True, "complete": True, "errored": False}

root = os.path.join(os.path.dirname(__file__), "..", "samples")
for name, p in [("terraform-healthy", plan(True, "1.33")), ("terraform-broken", plan(False, "1.33"))]:
    with open(os.path.join(root, name, "plan.json"), "w") as f:
        json.dump(p, f, indent=2)
        f.write("\n")
