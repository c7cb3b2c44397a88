// The FSEval module. See docs/architecture.md.
