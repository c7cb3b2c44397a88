// The FreeScale module. See docs/architecture.md.
