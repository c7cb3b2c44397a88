// `Frames` (uint8 RGB frames and their tensor conversion) lives in FSFrames, which needs no libav*, so
// libraries that only pass frames around (FSPipeline) do not link FFmpeg; FSVideo users see it as before.
@_exported import FSFrames
