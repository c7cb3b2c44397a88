#ifndef FSVIDEO_CFFMPEG_SHIM_H
#define FSVIDEO_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/display.h>
#include <libavutil/error.h>

/* AVERROR(e) and friends are macros Swift cannot import. */
static inline int fsv_averror(int e) { return AVERROR(e); }
static inline int fsv_averror_eof(void) { return AVERROR_EOF; }
static inline int fsv_averror_eagain(void) { return AVERROR(EAGAIN); }
#endif
