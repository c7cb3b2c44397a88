// FSEval: FVD (I3D + Fréchet distance) and VBench dynamic degree (RAFT). See docs/eval.md.
