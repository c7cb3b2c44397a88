// The FSVideo module. See docs/architecture.md.
