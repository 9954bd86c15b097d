"""Versioned data files of the registry (the seeded cluster-6 scope rules: docs/scope.md)."""
