#ifndef FSVIDEO_CFFMPEG_SHIM_H
#define FSVIDEO_CFFMPEG_SHIM_H
#include <math.h>
#include <stdint.h>
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
static inline int fsv_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int fsv_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t fsv_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int fsv_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }

/* The stream's display-matrix rotation in degrees counter-clockwise (0 when absent);
   the side-data API moved to codecpar in libavformat 60.15. */
static inline double fsv_stream_rotation(const AVStream *st) {
    const int32_t *m = NULL;
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
    const AVPacketSideData *sd = av_packet_side_data_get(st->codecpar->coded_side_data,
                                                         st->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    if (sd && sd->size >= 36) m = (const int32_t *)sd->data;
#else
    size_t size = 0;
    m = (const int32_t *)av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (size < 36) m = NULL;
#endif
    if (!m) return 0;
    double r = av_display_rotation_get(m);
    return isnan(r) ? 0 : r;
}

/* Attaches a display matrix rotating by `degrees` counter-clockwise to a stream; 0 on success. */
static inline int fsv_stream_set_rotation(AVStream *st, double degrees) {
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
    AVPacketSideData *sd = av_packet_side_data_new(&st->codecpar->coded_side_data,
                                                   &st->codecpar->nb_coded_side_data,
                                                   AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t), 0);
    if (!sd) return AVERROR(ENOMEM);
    av_display_rotation_set((int32_t *)sd->data, degrees);
#else
    uint8_t *m = av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
    if (!m) return AVERROR(ENOMEM);
    av_display_rotation_set((int32_t *)m, degrees);
#endif
    return 0;
}
#endif
