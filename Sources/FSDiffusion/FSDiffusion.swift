// The FSDiffusion module. See docs/architecture.md.
