import Foundation
import GuardpostDocuments
import GuardpostModel
@testable import GuardpostAdmission

func yamlNode(_ text: String, file: String = "test.yaml") -> Node {
    try! YAMLReader.parse(text, file: SourceFile(path: file)).documents[0]
}

func kubeObject(_ text: String, file: String = "policy.yaml") -> KubernetesObject {
    let n = yamlNode(text, file: file)
    return KubernetesObject(apiVersion: n["apiVersion"]?.scalarText ?? "", kind: n["kind"]?.string ?? "",
                            name: n.at(["metadata", "name"])?.scalarText ?? "", namespace: n.at(["metadata", "namespace"])?.scalarText, node: n)
}

func request(_ text: String, username: String = "eks:addon-manager") -> AdmissionRequest {
    let o = kubeObject(text, file: "object.yaml")
    return AdmissionRequest(object: o.node, apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace, username: username)
}

let guardDutyDaemonSet = """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: aws-guardduty-agent
  namespace: amazon-guardduty
spec:
  selector:
    matchLabels:
      app: aws-guardduty-agent
  template:
    metadata:
      labels:
        app: aws-guardduty-agent
    spec:
      containers:
      - name: aws-guardduty-agent
        image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent:v1.16.0
"""

func sampleRequest() -> AdmissionRequest { request(guardDutyDaemonSet) }
