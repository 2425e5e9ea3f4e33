#!/usr/bin/env python3
"""Generates guardpost benchmark inputs (deterministic: same arguments, same bytes).

    bench/generate.py scale  --resources N --out DIR   # mixed Terraform plan JSON, CloudFormation, Kubernetes
    bench/generate.py yaml   --megabytes 7.5 --out FILE  # one multi-document Kubernetes file (+ policies)
    bench/generate.py head   --kilobytes 400 --src FILE --out FILE  # the first documents of a YAML stream
    bench/generate.py pathological --out DIR           # worst cases: conditions, module nesting, 1M-element sequences

A "resource" is one Terraform planned resource, one CloudFormation resource or one Kubernetes object.
A scale is ~40% Terraform plan resources (files of 4 EKS stacks with a VPC module each), ~30%
CloudFormation (one stack per template: VPC, subnets, security group, endpoint, cluster, node group,
add-on, using Parameters, Conditions, !Ref, !GetAtt, !Sub, !If) and ~30% Kubernetes objects (files of 20
workload objects) plus admission policies: Kyverno and Gatekeeper policies copied from
../shared/corpus when it is there (restrict-image-registries, require-labels, the pod-security
baseline set; gatekeeper-library allowedrepos, requiredlabels, privileged-containers, host-filesystem),
otherwise equivalent policies written here. About one VPC in seven has its DNS hostnames off, so
rules fire. Writes DIR/manifest.json with the counts. Output goes to a gitignored folder
(.bench-data/); never commit it.
"""
import argparse, json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus"))
AWS = "registry.terraform.io/hashicorp/aws"

# ---------------------------------------------------------------------------------------------
# Terraform plan JSON


def tf_resource(address, rtype, name, values, index=None):
    r = {"address": address, "mode": "managed", "type": rtype, "name": name}
    if index is not None:
        r["index"] = index
    r.update({"provider_name": AWS, "schema_version": 0, "values": values, "sensitive_values": {}})
    return r


def tf_stack(rng, u, cluster_name, broken):
    """One EKS stack: module.vpc_u (VPC, 3 subnets, security group, endpoint) and root resources.
    Returns (root planned resources, module planned resources, root config, module call config)."""
    mod = f"vpc_{u}"
    cidr = f"10.{u % 250}.0.0/16"
    vpc_values = {"cidr_block": cidr, "enable_dns_support": True, "instance_tenancy": "default",
                  "tags": {"Name": f"{cluster_name}-vpc", "team": rng.choice(["platform", "payments", "search", "data"])}}
    if broken == "false":
        vpc_values["enable_dns_hostnames"] = False
    elif broken != "absent":
        vpc_values["enable_dns_hostnames"] = True
    mres = [tf_resource(f"module.{mod}.aws_vpc.this[0]", "aws_vpc", "this", vpc_values, 0)]
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    for i, az in enumerate(azs):
        mres.append(tf_resource(f"module.{mod}.aws_subnet.private[{i}]", "aws_subnet", "private",
                                {"availability_zone": az, "cidr_block": f"10.{u % 250}.{i + 1}.0/24",
                                 "map_public_ip_on_launch": False, "tags": {"Name": f"{cluster_name}-private-{az}",
                                 "kubernetes.io/role/internal-elb": "1"}}, i))
    mres.append(tf_resource(f"module.{mod}.aws_security_group.endpoints", "aws_security_group", "endpoints",
                            {"name": f"{cluster_name}-endpoints", "description": "VPC endpoints",
                             "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": [cidr],
                                          "description": "HTTPS from the VPC", "ipv6_cidr_blocks": [], "prefix_list_ids": [],
                                          "security_groups": [], "self": False}],
                             "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"],
                                         "description": "", "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [],
                                         "self": False}],
                             "revoke_rules_on_delete": False, "tags": {"Name": f"{cluster_name}-endpoints"}}))
    mres.append(tf_resource(f"module.{mod}.aws_vpc_endpoint.ecr_api", "aws_vpc_endpoint", "ecr_api",
                            {"service_name": "com.amazonaws.us-east-1.ecr.api", "vpc_endpoint_type": "Interface",
                             "private_dns_enabled": True, "auto_accept": None, "tags": {"Name": f"{cluster_name}-ecr-api"}}))
    version = rng.choice(["1.29", "1.30", "1.31", "1.32"])
    rres = [
        tf_resource(f"aws_iam_role.cluster_{u}", "aws_iam_role", f"cluster_{u}",
                    {"name": f"{cluster_name}-cluster", "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
                     "max_session_duration": 3600, "path": "/", "tags": {"cluster": cluster_name}}),
        tf_resource(f"aws_iam_role.nodes_{u}", "aws_iam_role", f"nodes_{u}",
                    {"name": f"{cluster_name}-nodes", "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
                     "max_session_duration": 3600, "path": "/", "tags": {"cluster": cluster_name}}),
        tf_resource(f"aws_eks_cluster.c{u}", "aws_eks_cluster", f"c{u}",
                    {"name": cluster_name, "version": version, "bootstrap_self_managed_addons": True,
                     "vpc_config": [{"endpoint_private_access": True, "endpoint_public_access": False}],
                     "access_config": [{"authentication_mode": "API_AND_CONFIG_MAP", "bootstrap_cluster_creator_admin_permissions": True}],
                     "enabled_cluster_log_types": ["api", "audit", "authenticator"],
                     "tags": {"team": "platform", "env": rng.choice(["prod", "staging", "dev"])}}),
        tf_resource(f"aws_eks_node_group.c{u}_default", "aws_eks_node_group", f"c{u}_default",
                    {"cluster_name": cluster_name, "node_group_name": "default", "ami_type": "AL2023_x86_64_STANDARD",
                     "instance_types": [rng.choice(["m6i.large", "m7i.xlarge", "c6i.2xlarge"])], "capacity_type": "ON_DEMAND",
                     "scaling_config": [{"desired_size": 3, "max_size": 6, "min_size": 2}], "update_config": [{"max_unavailable": 1}],
                     "labels": {"role": "general"}, "tags": {"cluster": cluster_name}}),
        tf_resource(f"aws_eks_node_group.c{u}_spot", "aws_eks_node_group", f"c{u}_spot",
                    {"cluster_name": cluster_name, "node_group_name": "spot", "ami_type": "BOTTLEROCKET_x86_64",
                     "instance_types": ["m6i.large", "m5.large"], "capacity_type": "SPOT",
                     "scaling_config": [{"desired_size": 2, "max_size": 10, "min_size": 0}], "update_config": [{"max_unavailable": 1}],
                     "labels": {"role": "batch"}, "tags": {"cluster": cluster_name}}),
        tf_resource(f"aws_eks_addon.c{u}_vpc_cni", "aws_eks_addon", f"c{u}_vpc_cni",
                    {"cluster_name": cluster_name, "addon_name": "vpc-cni", "resolve_conflicts_on_update": "OVERWRITE",
                     "configuration_values": json.dumps({"env": {"ENABLE_PREFIX_DELEGATION": "true"}}), "tags": {}}),
    ]
    mod_ref = f"module.{mod}"
    root_cfg = [
        {"address": f"aws_iam_role.cluster_{u}", "mode": "managed", "type": "aws_iam_role", "name": f"cluster_{u}", "provider_config_key": "aws",
         "expressions": {"name": {"constant_value": f"{cluster_name}-cluster"}, "assume_role_policy": {"references": ["data.aws_iam_policy_document.eks.json", "data.aws_iam_policy_document.eks"]}}},
        {"address": f"aws_iam_role.nodes_{u}", "mode": "managed", "type": "aws_iam_role", "name": f"nodes_{u}", "provider_config_key": "aws",
         "expressions": {"name": {"constant_value": f"{cluster_name}-nodes"}, "assume_role_policy": {"references": ["data.aws_iam_policy_document.ec2.json", "data.aws_iam_policy_document.ec2"]}}},
        {"address": f"aws_eks_cluster.c{u}", "mode": "managed", "type": "aws_eks_cluster", "name": f"c{u}", "provider_config_key": "aws",
         "expressions": {"name": {"constant_value": cluster_name}, "version": {"constant_value": version},
                         "role_arn": {"references": [f"aws_iam_role.cluster_{u}.arn", f"aws_iam_role.cluster_{u}"]},
                         "vpc_config": [{"subnet_ids": {"references": [f"{mod_ref}.private_subnets", mod_ref]},
                                         "endpoint_private_access": {"constant_value": True}, "endpoint_public_access": {"constant_value": False}}]}},
        {"address": f"aws_eks_node_group.c{u}_default", "mode": "managed", "type": "aws_eks_node_group", "name": f"c{u}_default", "provider_config_key": "aws",
         "expressions": {"cluster_name": {"references": [f"aws_eks_cluster.c{u}.name", f"aws_eks_cluster.c{u}"]},
                         "node_role_arn": {"references": [f"aws_iam_role.nodes_{u}.arn", f"aws_iam_role.nodes_{u}"]},
                         "subnet_ids": {"references": [f"{mod_ref}.private_subnets", mod_ref]},
                         "instance_types": {"constant_value": rres[3]["values"]["instance_types"]},
                         "scaling_config": [{"desired_size": {"constant_value": 3}, "max_size": {"constant_value": 6}, "min_size": {"constant_value": 2}}]}},
        {"address": f"aws_eks_node_group.c{u}_spot", "mode": "managed", "type": "aws_eks_node_group", "name": f"c{u}_spot", "provider_config_key": "aws",
         "expressions": {"cluster_name": {"references": [f"aws_eks_cluster.c{u}.name", f"aws_eks_cluster.c{u}"]},
                         "node_role_arn": {"references": [f"aws_iam_role.nodes_{u}.arn", f"aws_iam_role.nodes_{u}"]},
                         "subnet_ids": {"references": [f"{mod_ref}.private_subnets", mod_ref]},
                         "scaling_config": [{"desired_size": {"constant_value": 2}, "max_size": {"constant_value": 10}, "min_size": {"constant_value": 0}}]}},
        {"address": f"aws_eks_addon.c{u}_vpc_cni", "mode": "managed", "type": "aws_eks_addon", "name": f"c{u}_vpc_cni", "provider_config_key": "aws",
         "expressions": {"cluster_name": {"references": [f"aws_eks_cluster.c{u}.name", f"aws_eks_cluster.c{u}"]},
                         "addon_name": {"constant_value": "vpc-cni"}, "resolve_conflicts_on_update": {"constant_value": "OVERWRITE"}}},
    ]
    vpc_expr = {"cidr_block": {"references": ["var.cidr"]}, "enable_dns_support": {"constant_value": True},
                "tags": {"references": ["var.tags"]}}
    if broken != "absent":
        vpc_expr["enable_dns_hostnames"] = {"references": ["var.enable_dns_hostnames"]}
    module_cfg = {
        "source": "./modules/vpc",
        "expressions": {"cidr": {"constant_value": cidr}, "name": {"constant_value": cluster_name},
                        **({"enable_dns_hostnames": {"constant_value": broken != "false"}} if broken != "absent" else {})},
        "module": {
            "outputs": {"private_subnets": {"expression": {"references": ["aws_subnet.private"]}},
                        "vpc_id": {"expression": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]}}},
            "resources": [
                {"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this", "provider_config_key": "aws",
                 "expressions": vpc_expr, "count_expression": {"constant_value": 1}},
                {"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private", "provider_config_key": "aws",
                 "expressions": {"vpc_id": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]},
                                 "cidr_block": {"references": ["var.private_subnets", "count.index"]},
                                 "availability_zone": {"references": ["var.azs", "count.index"]}},
                 "count_expression": {"references": ["var.private_subnets"]}},
                {"address": "aws_security_group.endpoints", "mode": "managed", "type": "aws_security_group", "name": "endpoints", "provider_config_key": "aws",
                 "expressions": {"vpc_id": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]},
                                 "name": {"references": ["var.name"]}}},
                {"address": "aws_vpc_endpoint.ecr_api", "mode": "managed", "type": "aws_vpc_endpoint", "name": "ecr_api", "provider_config_key": "aws",
                 "expressions": {"vpc_id": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]},
                                 "service_name": {"constant_value": "com.amazonaws.us-east-1.ecr.api"},
                                 "vpc_endpoint_type": {"constant_value": "Interface"},
                                 "private_dns_enabled": {"constant_value": True},
                                 "subnet_ids": {"references": ["aws_subnet.private"]},
                                 "security_group_ids": [{"references": ["aws_security_group.endpoints.id", "aws_security_group.endpoints"]}]}},
            ],
            "variables": {"cidr": {}, "name": {}, "azs": {"default": ["us-east-1a", "us-east-1b", "us-east-1c"]},
                          "private_subnets": {"default": ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]},
                          "enable_dns_hostnames": {"default": True}, "tags": {"default": {}}},
        },
    }
    return rres, mres, root_cfg, (mod, module_cfg)


def tf_plan(rng, first_unit, units, broken_of, detector=False):
    root_resources, child_modules, root_cfg, module_calls = [], [], [], {}
    for u in range(first_unit, first_unit + units):
        rres, mres, rcfg, (mod, mcfg) = tf_stack(rng, u, f"eks-{u:06d}", broken_of(u))
        root_resources += rres
        child_modules.append({"address": f"module.{mod}", "resources": mres})
        root_cfg += rcfg
        module_calls[mod] = mcfg
    if detector:
        root_resources.append(tf_resource("aws_guardduty_detector.this", "aws_guardduty_detector", "this", {"enable": True}))
        root_resources.append(tf_resource("aws_guardduty_detector_feature.runtime_monitoring", "aws_guardduty_detector_feature",
                                          "runtime_monitoring", {"name": "RUNTIME_MONITORING", "status": "ENABLED",
                                          "additional_configuration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]}))
        root_cfg.append({"address": "aws_guardduty_detector.this", "mode": "managed", "type": "aws_guardduty_detector", "name": "this",
                         "provider_config_key": "aws", "expressions": {"enable": {"constant_value": True}}})
        root_cfg.append({"address": "aws_guardduty_detector_feature.runtime_monitoring", "mode": "managed",
                         "type": "aws_guardduty_detector_feature", "name": "runtime_monitoring", "provider_config_key": "aws",
                         "expressions": {"detector_id": {"references": ["aws_guardduty_detector.this.id", "aws_guardduty_detector.this"]},
                                         "name": {"constant_value": "RUNTIME_MONITORING"}, "status": {"constant_value": "ENABLED"},
                                         "additional_configuration": [{"name": {"constant_value": "EKS_ADDON_MANAGEMENT"},
                                                                       "status": {"constant_value": "ENABLED"}}]}})
    changes = []
    for r in root_resources + [m for c in child_modules for m in c["resources"]]:
        c = {"address": r["address"]}
        if r["address"].startswith("module."):
            c["module_address"] = r["address"].split(".aws_")[0]
        c.update({"mode": "managed", "type": r["type"], "name": r["name"], "provider_name": AWS,
                  "change": {"actions": ["create"], "before": None, "after": r["values"],
                             "after_unknown": {"id": True, "arn": True, "tags_all": True},
                             "before_sensitive": False, "after_sensitive": {"tags_all": {}}}})
        if "index" in r:
            c["index"] = r["index"]
        changes.append(c)
    plan = {
        "format_version": "1.2", "terraform_version": "1.9.5", "variables": {},
        "planned_values": {"root_module": {"resources": root_resources, "child_modules": child_modules}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": AWS, "version_constraint": "~> 5.0",
                                        "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": root_cfg, "module_calls": module_calls},
        },
        "timestamp": "2025-01-01T00:00:00Z", "errored": False,
    }
    count = len(root_resources) + sum(len(c["resources"]) for c in child_modules)
    return json.dumps(plan, indent=2) + "\n", count


# ---------------------------------------------------------------------------------------------
# CloudFormation YAML

CFN_TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Description: EKS stack {u} (generated for guardpost benchmarks)
Parameters:
  ClusterName:
    Type: String
    Default: cfn-{u:06d}
  Environment:
    Type: String
    Default: {env}
    AllowedValues: [prod, staging, dev]
  KubernetesVersion:
    Type: String
    Default: "{version}"
  VpcCidr:
    Type: String
    Default: 10.{a}.0.0/16
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  IsNotDev: !Not [!Equals [!Ref Environment, dev]]
  WantSpot: !And [!Condition IsNotDev, !Not [!Condition IsProd]]
Mappings:
  Sizes:
    prod: {{Desired: 6, Max: 12}}
    staging: {{Desired: 3, Max: 6}}
    dev: {{Desired: 1, Max: 3}}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcCidr
      EnableDnsSupport: true
{dns}      Tags:
        - Key: Name
          Value: !Sub "${{ClusterName}}-vpc"
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
      Tags:
        - Key: kubernetes.io/role/internal-elb
          Value: "1"
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [1, !GetAZs ""]
  EndpointSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: VPC endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: !GetAtt Vpc.CidrBlock
  EndpointIngressFromNodes:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref EndpointSecurityGroup
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      SourceSecurityGroupId: !GetAtt Cluster.ClusterSecurityGroupId
  EcrApiEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub "com.amazonaws.${{AWS::Region}}.ecr.api"
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]
  ClusterRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: eks.amazonaws.com}}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonEKSClusterPolicy
  NodeRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: ec2.amazonaws.com}}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy
        - arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: !Ref ClusterName
      Version: !Ref KubernetesVersion
      RoleArn: !GetAtt ClusterRole.Arn
      ResourcesVpcConfig:
        SubnetIds: [!Ref SubnetA, !Ref SubnetB]
        EndpointPrivateAccess: true
        EndpointPublicAccess: !If [IsProd, false, true]
      Logging:
        ClusterLogging:
          EnabledTypes:
            - Type: api
            - Type: audit
      Tags:
        - Key: env
          Value: !Ref Environment
  NodeGroup:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: !GetAtt NodeRole.Arn
      Subnets: [!Ref SubnetA, !Ref SubnetB]
      AmiType: AL2023_x86_64_STANDARD
      InstanceTypes: [{instance}]
      CapacityType: !If [WantSpot, SPOT, ON_DEMAND]
      ScalingConfig:
        DesiredSize: !FindInMap [Sizes, !Ref Environment, Desired]
        MaxSize: !FindInMap [Sizes, !Ref Environment, Max]
        MinSize: 1
  CniAddon:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: !Ref Cluster
      AddonName: vpc-cni
      ResolveConflicts: OVERWRITE
Outputs:
  ClusterArn:
    Value: !GetAtt Cluster.Arn
    Export:
      Name: !Sub "${{AWS::StackName}}-ClusterArn"
"""
CFN_RESOURCES = 12


def cfn_template(rng, u, broken):
    dns = {"false": "      EnableDnsHostnames: false\n", "absent": ""}.get(broken, "      EnableDnsHostnames: true\n")
    return CFN_TEMPLATE.format(u=u, a=u % 250, env=rng.choice(["prod", "staging", "dev"]),
                               version=rng.choice(["1.29", "1.30", "1.31"]), dns=dns,
                               instance=rng.choice(["m6i.large", "m7i.xlarge", "c6i.2xlarge"])), CFN_RESOURCES


# ---------------------------------------------------------------------------------------------
# Kubernetes


def k8s_app(rng, i):
    """Five objects of one application: Namespace-scoped Deployment, Service, ConfigMap, ServiceAccount, HPA."""
    name = f"app-{i:06d}"
    ns = rng.choice(["payments", "search", "checkout", "catalog", "identity"])
    image = rng.choice(["eu.foo.io", "bar.io", "123456789012.dkr.ecr.us-east-1.amazonaws.com"]) + f"/{name}:1.{i % 40}.{i % 7}"
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
    owner: team-{ns}
  annotations:
    deployment.kubernetes.io/revision: "{i % 13 + 1}"
spec:
  replicas: {1 + i % 5}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        owner: team-{ns}
    spec:
      serviceAccountName: {name}
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: main
          image: {image}
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: LOG_LEVEL
              value: info
            - name: CONFIG_PATH
              value: /etc/{name}/config.yaml
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: "1", memory: 512Mi}}
          readinessProbe:
            httpGet: {{path: /healthz, port: http}}
            periodSeconds: 10
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: config
              mountPath: /etc/{name}
      volumes:
        - name: config
          configMap:
            name: {name}-config
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
    features:
      checkout-v2: {str(i % 2 == 0).lower()}
      recommendations: true
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/{name}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 1
  maxReplicas: {5 + i % 10}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
""", 5


# Policies written here, used when ../shared/corpus is absent (same shapes as the public ones).
FALLBACK_POLICIES = {
    "kyverno-restrict-image-registries.yaml": """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
spec:
  validationFailureAction: Enforce
  background: true
  rules:
  - name: validate-registries
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Unknown image registry."
      pattern:
        spec:
          =(initContainers):
          - image: "eu.foo.io/* | bar.io/*"
          containers:
          - image: "eu.foo.io/* | bar.io/*"
""",
    "kyverno-require-labels.yaml": """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
spec:
  validationFailureAction: Audit
  rules:
  - name: check-for-labels
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "The label `app.kubernetes.io/name` is required."
      pattern:
        metadata:
          labels:
            app.kubernetes.io/name: "?*"
""",
    "kyverno-disallow-privileged.yaml": """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-privileged-containers
spec:
  validationFailureAction: Enforce
  rules:
    - name: privileged-containers
      match:
        any:
        - resources:
            kinds:
              - Pod
      validate:
        message: "Privileged mode is disallowed."
        pattern:
          spec:
            =(initContainers):
              - =(securityContext):
                  =(privileged): "false"
            containers:
              - =(securityContext):
                  =(privileged): "false"
""",
}


def policies():
    """(file name, text, object count) of the admission policies of a scale."""
    out = []
    k = os.path.join(CORPUS, "kyverno__policies")
    g = os.path.join(CORPUS, "open-policy-agent__gatekeeper-library", "library")
    picks = []
    if os.path.isdir(k) and os.path.isdir(g):
        picks += [os.path.join(k, "best-practices/restrict-image-registries/restrict-image-registries.yaml"),
                  os.path.join(k, "best-practices/require-labels/require-labels.yaml")]
        base = os.path.join(k, "pod-security/baseline")
        for d in sorted(os.listdir(base)):
            f = os.path.join(base, d, d + ".yaml")
            if os.path.isfile(f):
                picks.append(f)
        for t, sample in [("general/allowedrepos", "repo-must-be-openpolicyagent"),
                          ("general/requiredlabels", "all-must-have-owner"),
                          ("pod-security-policy/privileged-containers", "psp-privileged-container"),
                          ("pod-security-policy/host-filesystem", None)]:
            picks.append(os.path.join(g, t, "template.yaml"))
            sd = os.path.join(g, t, "samples")
            if sample is None and os.path.isdir(sd):
                sample = sorted(os.listdir(sd))[0]
            if sample:
                picks.append(os.path.join(sd, sample, "constraint.yaml"))
    picks = [p for p in picks if os.path.isfile(p)]
    if picks:
        for p in picks:
            text = open(p, encoding="utf-8").read()
            rel = os.path.relpath(p, CORPUS).replace("/", "__")
            out.append((rel, text, max(1, sum(1 for line in text.splitlines() if line.startswith("kind:")))))
        # One Enforce policy so that the admission simulation produces denials.
        t = FALLBACK_POLICIES["kyverno-restrict-image-registries.yaml"].replace("name: restrict-image-registries", "name: restrict-image-registries-enforce")
        out.append(("kyverno-restrict-image-registries-enforce.yaml", t, 1))
    else:
        for name, text in FALLBACK_POLICIES.items():
            out.append((name, text, 1))
    return out


# ---------------------------------------------------------------------------------------------


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return len(text.encode("utf-8"))


def scale(args):
    rng = random.Random(args.seed)
    n = args.resources
    out = args.out
    stats = {"resources": 0, "bytes": 0, "files": 0, "clusters": 0,
             "by_format": {"terraform-plan": [0, 0, 0], "cloudformation": [0, 0, 0], "kubernetes": [0, 0, 0]}}

    def add(fmt, path, text, count):
        b = write(path, text)
        stats["resources"] += count
        stats["bytes"] += b
        stats["files"] += 1
        s = stats["by_format"][fmt]
        s[0] += 1; s[1] += count; s[2] += b

    # The account's GuardDuty configuration (one detector for the scan) and the default region.
    b = write(os.path.join(out, ".guardpost.yml"), "region: us-east-1\n")
    stats["bytes"] += b
    pol = policies()
    pol_count = sum(c for _, _, c in pol)
    broken_of = lambda u: "false" if u % 7 == 3 else ("absent" if u % 7 == 5 else "true")
    tf_target = int(n * 0.4)
    cfn_target = int(n * 0.3)
    k8s_target = n - tf_target - cfn_target - pol_count
    # Terraform plans: 4 stacks (13 resources each) per file; the first file also holds the detector.
    u = 0
    f = 0
    tf_done = 0
    while tf_done < tf_target or f == 0:
        units = max(1, min(4, (tf_target - tf_done + 12) // 13))
        text, count = tf_plan(rng, u, units, broken_of, detector=(f == 0))
        add("terraform-plan", os.path.join(out, "terraform", f"stack-{f:05d}", "plan.json"), text, count)
        tf_done += count
        stats["clusters"] += units
        u += units
        f += 1
    cfn_done = 0
    t = 0
    while cfn_done < cfn_target:
        text, count = cfn_template(rng, 100000 + t, broken_of(t))
        add("cloudformation", os.path.join(out, "cloudformation", f"eks-{t:05d}.yaml"), text, count)
        cfn_done += count
        stats["clusters"] += 1
        t += 1
    for name, text, count in pol:
        add("kubernetes", os.path.join(out, "kubernetes", "policies", name), text, count)
    k_done = 0
    a = 0
    fi = 0
    while k_done < k8s_target:
        docs = []
        objs = 0
        while objs < 20 and k_done + objs < k8s_target:
            text, c = k8s_app(rng, a)
            docs.append(text)
            objs += c
            a += 1
        add("kubernetes", os.path.join(out, "kubernetes", "apps", f"apps-{fi:05d}.yaml"), "".join(docs), objs)
        k_done += objs
        fi += 1
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(stats, fh, indent=2, sort_keys=True)
    print(json.dumps(stats, sort_keys=True))


def yaml_file(args):
    """A multi-document Kubernetes file of about `megabytes` MB: the policies first, then applications."""
    rng = random.Random(args.seed)
    target = int(args.megabytes * 1_000_000)
    parts = []
    size = 0
    count = 0
    if not args.no_policies:
        for _, text, c in policies():
            t = "---\n" + text if not text.startswith("---") else text
            if not t.endswith("\n"):
                t += "\n"
            parts.append(t)
            size += len(t.encode())
            count += c
    i = 0
    while size < target:
        text, c = k8s_app(rng, i)
        parts.append(text)
        size += len(text.encode())
        count += c
        i += 1
    write(args.out, "".join(parts))
    print(json.dumps({"bytes": size, "resources": count}))


def head(args):
    """The first documents of a YAML stream, up to `kilobytes` KB (cut at a document boundary)."""
    text = open(args.src, encoding="utf-8").read()
    limit = int(args.kilobytes * 1000)
    docs = text.split("\n---\n")
    out = []
    size = 0
    for d in docs:
        piece = d + "\n---\n"
        if size + len(piece) > limit and out:
            break
        out.append(piece)
        size += len(piece)
    body = "".join(out)
    body = body[:-4] if body.endswith("---\n") else body
    write(args.out, body)
    n = sum(1 for line in body.splitlines() if line.startswith("kind:"))
    print(json.dumps({"bytes": len(body.encode()), "resources": n}))


def pathological(args):
    out = args.out
    info = {}
    # 1. CloudFormation with many conditions (cfn-lint's worst case: it enumerates condition scenarios).
    n_params, n_conds, n_res = 40, 400, 200
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Parameters:"]
    for p in range(n_params):
        lines += [f"  P{p}:", "    Type: String", "    Default: \"yes\"", "    AllowedValues: [\"yes\", \"no\"]"]
    lines.append("Conditions:")
    for c in range(n_conds):
        if c < n_params:
            lines.append(f"  C{c}: !Equals [!Ref P{c}, \"yes\"]")
        else:
            a, b = (c * 7) % c, (c * 13 + 1) % c
            op = ["And", "Or"][c % 2]
            lines.append(f"  C{c}: !{op} [!Condition C{a}, !Not [!Condition C{b}]]")
    lines.append("Resources:")
    lines += ["  Vpc:", "    Type: AWS::EC2::VPC", "    Properties:", "      CidrBlock: 10.0.0.0/16",
              "      EnableDnsSupport: !If [C399, true, false]", "      EnableDnsHostnames: !If [C398, true, !If [C397, true, false]]"]
    for r in range(n_res):
        c = n_conds - 1 - (r % n_conds)
        lines += [f"  Subnet{r}:", "    Type: AWS::EC2::Subnet", f"    Condition: C{c}", "    Properties:",
                  "      VpcId: !Ref Vpc", f"      CidrBlock: !If [C{(c + 1) % n_conds}, 10.0.{r % 250}.0/24, !If [C{(c + 2) % n_conds}, 10.1.{r % 250}.0/24, 10.2.{r % 250}.0/24]]",
                  f"      MapPublicIpOnLaunch: !If [C{(c + 3) % n_conds}, false, !If [C{(c + 4) % n_conds}, true, false]]"]
    lines += ["  Cluster:", "    Type: AWS::EKS::Cluster", "    Properties:", "      Name: conditions", "      RoleArn: arn:aws:iam::123456789012:role/eks",
              "      ResourcesVpcConfig:", "        SubnetIds: [" + ", ".join(f"!If [C{i}, !Ref Subnet{i}, !Ref AWS::NoValue]" for i in range(50)) + "]"]
    b = write(os.path.join(out, "cfn-many-conditions.yaml"), "\n".join(lines) + "\n")
    info["cfn-many-conditions.yaml"] = {"bytes": b, "conditions": n_conds, "resources": n_res + 2}

    # 2. Deep module nesting in a Terraform plan: module.m0.module.m1....module.m59 with a chain of var references.
    depth = 60
    resources_cfg = lambda d: [{"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s", "provider_config_key": "aws",
                                "expressions": {"vpc_id": {"references": ["var.vpc_id"]}, "cidr_block": {"constant_value": f"10.{d}.0.0/24"}}}]

    def module_cfg(d):
        m = {"resources": resources_cfg(d), "variables": {"vpc_id": {}},
             "outputs": {"subnets": {"expression": {"references": ["aws_subnet.s", "module.m%d.subnets" % (d + 1)] if d + 1 < depth else ["aws_subnet.s"]}}}}
        if d + 1 < depth:
            m["module_calls"] = {f"m{d + 1}": {"source": "./m", "expressions": {"vpc_id": {"references": ["var.vpc_id"]}}, "module": module_cfg(d + 1)}}
        return m
    planned_child = None
    for d in reversed(range(depth)):
        prefix = "".join(f"module.m{i}." for i in range(d + 1))
        node = {"address": prefix[:-1], "resources": [tf_resource(prefix + "aws_subnet.s", "aws_subnet", "s", {"cidr_block": f"10.{d}.0.0/24"})]}
        if planned_child:
            node["child_modules"] = [planned_child]
        planned_child = node
    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [
                tf_resource("aws_vpc.main", "aws_vpc", "main", {"cidr_block": "10.0.0.0/8", "enable_dns_support": True}),
                tf_resource("aws_eks_cluster.deep", "aws_eks_cluster", "deep", {"name": "deep", "version": "1.31", "vpc_config": [{}]})],
                "child_modules": [planned_child]}},
            "configuration": {"root_module": {
                "resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main", "expressions": {"cidr_block": {"constant_value": "10.0.0.0/8"}}},
                              {"address": "aws_eks_cluster.deep", "mode": "managed", "type": "aws_eks_cluster", "name": "deep",
                               "expressions": {"name": {"constant_value": "deep"}, "vpc_config": [{"subnet_ids": {"references": ["module.m0.subnets", "module.m0"]}}]}}],
                "module_calls": {"m0": {"source": "./m", "expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}}, "module": module_cfg(0)}}}}}
    b = write(os.path.join(out, "tf-deep-modules.json"), json.dumps(plan, indent=1) + "\n")
    info["tf-deep-modules.json"] = {"bytes": b, "depth": depth}

    # 3. A million-element sequence, in YAML (block and flow) and JSON.
    m = 1_000_000
    b = write(os.path.join(out, "million-block.yaml"), "items:\n" + "".join(f"  - {i % 10}\n" for i in range(m)))
    info["million-block.yaml"] = {"bytes": b, "elements": m}
    b = write(os.path.join(out, "million-flow.yaml"), "items: [" + ", ".join(str(i % 10) for i in range(m)) + "]\n")
    info["million-flow.yaml"] = {"bytes": b, "elements": m}
    b = write(os.path.join(out, "million.json"), '{"items": [' + ",".join(str(i % 10) for i in range(m)) + "]}\n")
    info["million.json"] = {"bytes": b, "elements": m}
    # A Kubernetes List of 100 000 ConfigMaps (a million-line manifest that is a real input).
    lst = ["apiVersion: v1", "kind: List", "items:"]
    for i in range(100_000):
        lst += ["- apiVersion: v1", "  kind: ConfigMap", "  metadata:", f"    name: cm-{i}", "    namespace: default", "  data:", f"    k: v{i}"]
    b = write(os.path.join(out, "k8s-list-100k.yaml"), "\n".join(lst) + "\n")
    info["k8s-list-100k.yaml"] = {"bytes": b, "resources": 100_000}
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(info, fh, indent=2, sort_keys=True)
    print(json.dumps(info, sort_keys=True))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scale"); s.add_argument("--resources", type=int, required=True); s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=1)
    y = sub.add_parser("yaml"); y.add_argument("--megabytes", type=float, default=7.5); y.add_argument("--out", required=True)
    y.add_argument("--seed", type=int, default=2); y.add_argument("--no-policies", action="store_true")
    h = sub.add_parser("head"); h.add_argument("--kilobytes", type=float, default=400); h.add_argument("--src", required=True); h.add_argument("--out", required=True)
    p = sub.add_parser("pathological"); p.add_argument("--out", required=True)
    args = ap.parse_args()
    {"scale": scale, "yaml": yaml_file, "head": head, "pathological": pathological}[args.cmd](args)


if __name__ == "__main__":
    main()
