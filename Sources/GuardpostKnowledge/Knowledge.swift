// Placeholder: the knowledge data (policies/) is filled in by the knowledge work.
public enum KnowledgePlaceholder {}
