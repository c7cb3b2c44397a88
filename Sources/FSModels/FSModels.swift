// The FSModels module. See docs/architecture.md.
