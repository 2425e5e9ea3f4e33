#!/usr/bin/env python3
"""Writes the plans of samples/shared-vpc-owner and samples/shared-vpc-deletion: realistic `terraform show -json`
output of a network account (111122223333) that shares two subnets of vpc-0a1b2c3d4e5f60789 through AWS RAM, and of
a workload account (444455556666) that runs an EKS cluster in them. Re-run after editing; the output is committed
and checked by the golden tests (samples/*/expected.txt)."""
import json, os

PROVIDER = "registry.terraform.io/hashicorp/aws"
VPC_ID = "vpc-0a1b2c3d4e5f60789"
SUBNETS = [("a", "subnet-0aa11bb22cc33dd44", "10.80.1.0/24", "us-east-1a"), ("b", "subnet-0ee55ff66aa77bb88", "10.80.2.0/24", "us-east-1b")]


def resource(address, rtype, values, sensitive=None):
    name = address.split(".")[-1]
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "provider_name": PROVIDER,
            "schema_version": 0, "values": values, "sensitive_values": sensitive or {}}


def change(r, actions, before=None, unknown=None):
    return {"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"], "provider_name": PROVIDER,
            "change": {"actions": actions, "before": before, "after": r["values"], "after_unknown": unknown or {},
                       "before_sensitive": False if before is None else {}, "after_sensitive": {}}}


def config(address, rtype, expressions):
    return {"address": address, "mode": "managed", "type": rtype, "name": address.split(".")[-1],
            "provider_config_key": "aws", "expressions": expressions, "schema_version": 0}


def plan(resources, changes, configuration):
    return {"format_version": "1.2", "terraform_version": "1.9.5", "variables": {},
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER, "version_constraint": "~> 5.0",
                                                          "expressions": {"region": {"constant_value": "us-east-1"}}}},
                              "root_module": {"resources": configuration}},
            "timestamp": "2026-11-28T09:00:00Z", "applyable": True, "complete": True, "errored": False}


def feature(automated, status="ENABLED"):
    return {"detector_id": "12abc34d567e8fa901bc2d34e56789f0", "name": "RUNTIME_MONITORING", "status": status,
            "additional_configuration": [{"name": "EKS_ADDON_MANAGEMENT", "status": automated}]}


def feature_config():
    return config("aws_guardduty_detector_feature.runtime_monitoring", "aws_guardduty_detector_feature", {
        "detector_id": {"references": ["aws_guardduty_detector.this.id", "aws_guardduty_detector.this"]},
        "name": {"constant_value": "RUNTIME_MONITORING"}, "status": {"references": ["var.runtime_monitoring"]},
        "additional_configuration": [{"name": {"constant_value": "EKS_ADDON_MANAGEMENT"}, "status": {"references": ["var.agent_management"]}}]})


def network_plan(automated):
    """The network account: its VPC and subnets exist; this plan adds the RAM share."""
    feat = resource("aws_guardduty_detector_feature.runtime_monitoring", "aws_guardduty_detector_feature", feature(automated))
    vpc = resource("aws_vpc.shared", "aws_vpc", {"id": VPC_ID, "arn": f"arn:aws:ec2:us-east-1:111122223333:vpc/{VPC_ID}",
                                                 "owner_id": "111122223333", "cidr_block": "10.80.0.0/16",
                                                 "enable_dns_support": True, "enable_dns_hostnames": True, "tags": {"Name": "shared"}})
    subnets = [resource(f"aws_subnet.private_{k}", "aws_subnet", {"id": sid, "arn": f"arn:aws:ec2:us-east-1:111122223333:subnet/{sid}",
                                                                  "vpc_id": VPC_ID, "owner_id": "111122223333", "cidr_block": cidr,
                                                                  "availability_zone": az}) for k, sid, cidr, az in SUBNETS]
    share = resource("aws_ram_resource_share.workloads", "aws_ram_resource_share", {"name": "workload-subnets", "allow_external_principals": False})
    assocs = [resource(f"aws_ram_resource_association.private_{k}", "aws_ram_resource_association",
                       {"resource_arn": f"arn:aws:ec2:us-east-1:111122223333:subnet/{sid}"}) for k, sid, _, _ in SUBNETS]
    principal = resource("aws_ram_principal_association.workloads", "aws_ram_principal_association", {"principal": "444455556666"})
    existing = [feat, vpc] + subnets
    created = [share] + assocs + [principal]
    changes = [change(r, ["no-op"], before=r["values"]) for r in existing]
    changes += [change(share, ["create"], unknown={"id": True, "arn": True})]
    changes += [change(a, ["create"], unknown={"id": True, "resource_share_arn": True}) for a in assocs]
    changes += [change(principal, ["create"], unknown={"id": True, "resource_share_arn": True})]
    configuration = [feature_config(),
                     config("aws_vpc.shared", "aws_vpc", {"cidr_block": {"constant_value": "10.80.0.0/16"},
                                                          "enable_dns_support": {"constant_value": True}, "enable_dns_hostnames": {"constant_value": True},
                                                          "tags": {"constant_value": {"Name": "shared"}}})]
    configuration += [config(f"aws_subnet.private_{k}", "aws_subnet", {"vpc_id": {"references": ["aws_vpc.shared.id", "aws_vpc.shared"]},
                                                                        "cidr_block": {"constant_value": cidr}, "availability_zone": {"constant_value": az}})
                      for k, _, cidr, az in SUBNETS]
    configuration += [config("aws_ram_resource_share.workloads", "aws_ram_resource_share", {"name": {"constant_value": "workload-subnets"},
                                                                                           "allow_external_principals": {"constant_value": False}})]
    configuration += [config(f"aws_ram_resource_association.private_{k}", "aws_ram_resource_association", {
        "resource_arn": {"references": [f"aws_subnet.private_{k}.arn", f"aws_subnet.private_{k}"]},
        "resource_share_arn": {"references": ["aws_ram_resource_share.workloads.arn", "aws_ram_resource_share.workloads"]}}) for k, _, _, _ in SUBNETS]
    configuration += [config("aws_ram_principal_association.workloads", "aws_ram_principal_association", {
        "principal": {"references": ["var.workload_account_id"]},
        "resource_share_arn": {"references": ["aws_ram_resource_share.workloads.arn", "aws_ram_resource_share.workloads"]}})]
    return plan(existing + created, changes, configuration)


def workload_plan(runtime_status, cluster_action, feature_action):
    """The workload account: its cluster in the shared subnets (ids from the network team's outputs)."""
    subnet_ids = [sid for _, sid, _, _ in SUBNETS]
    feat = resource("aws_guardduty_detector_feature.runtime_monitoring", "aws_guardduty_detector_feature", feature("ENABLED", runtime_status))
    cluster = resource("aws_eks_cluster.orders", "aws_eks_cluster", {
        "name": "orders", "version": "1.33", "role_arn": "arn:aws:iam::444455556666:role/orders-eks",
        "vpc_config": [{"subnet_ids": subnet_ids, "endpoint_private_access": True, "endpoint_public_access": False}],
        "tags": {"team": "orders"}})
    nodes = resource("aws_eks_node_group.default", "aws_eks_node_group", {
        "cluster_name": "orders", "node_group_name": "default", "node_role_arn": "arn:aws:iam::444455556666:role/orders-nodes",
        "subnet_ids": subnet_ids, "ami_type": "AL2023_x86_64_STANDARD", "instance_types": ["m6i.large"],
        "scaling_config": [{"desired_size": 2, "max_size": 4, "min_size": 2}]})
    before_feature = feature("ENABLED", "ENABLED") if feature_action == "update" else (feat["values"] if feature_action == "no-op" else None)
    changes = [change(feat, [feature_action], before=before_feature)]
    for r in (cluster, nodes):
        changes.append(change(r, [cluster_action], before=r["values"] if cluster_action == "no-op" else None,
                              unknown={} if cluster_action == "no-op" else {"id": True, "arn": True}))
    configuration = [feature_config(),
                     config("aws_eks_cluster.orders", "aws_eks_cluster", {
                         "name": {"constant_value": "orders"}, "version": {"constant_value": "1.33"},
                         "role_arn": {"constant_value": "arn:aws:iam::444455556666:role/orders-eks"},
                         "vpc_config": [{"subnet_ids": {"references": ["var.shared_subnet_ids"]},
                                         "endpoint_private_access": {"constant_value": True}, "endpoint_public_access": {"constant_value": False}}],
                         "tags": {"constant_value": {"team": "orders"}}}),
                     config("aws_eks_node_group.default", "aws_eks_node_group", {
                         "cluster_name": {"references": ["aws_eks_cluster.orders.name", "aws_eks_cluster.orders"]},
                         "node_group_name": {"constant_value": "default"},
                         "node_role_arn": {"constant_value": "arn:aws:iam::444455556666:role/orders-nodes"},
                         "subnet_ids": {"references": ["var.shared_subnet_ids"]}, "ami_type": {"constant_value": "AL2023_x86_64_STANDARD"},
                         "instance_types": {"constant_value": ["m6i.large"]},
                         "scaling_config": [{"desired_size": {"constant_value": 2}, "max_size": {"constant_value": 4}, "min_size": {"constant_value": 2}}]})]
    return plan([feat, cluster, nodes], changes, configuration)


root = os.path.join(os.path.dirname(__file__), "..", "samples")
outputs = {
    # The network account never turned on automated agent configuration: GuardDuty cannot create the shared endpoint.
    "shared-vpc-owner/network/plan.json": network_plan("DISABLED"),
    "shared-vpc-owner/workloads/plan.json": workload_plan("ENABLED", "create", "create"),
    # Both accounts had it on; the workload account now turns Runtime Monitoring off.
    "shared-vpc-deletion/network/plan.json": network_plan("ENABLED"),
    "shared-vpc-deletion/workloads/plan.json": workload_plan("DISABLED", "no-op", "update"),
}
for path, p in outputs.items():
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(p, f, indent=2)
        f.write("\n")
