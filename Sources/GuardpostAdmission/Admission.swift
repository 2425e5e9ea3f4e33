// Placeholder: the admission simulation (Kyverno, Gatekeeper, RBAC) is filled in by the admission work.
public enum AdmissionPlaceholder {}
