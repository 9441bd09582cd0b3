// FFmpeg for Swift: the headers Showrunner uses, and static-inline wrappers for the macros and
// inline helpers Swift cannot import (AVERROR(e), AV_NOPTS_VALUE, av_err2str, ...).
#ifndef CSHOWRUNNERAV_SHIM_H
#define CSHOWRUNNERAV_SHIM_H

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/imgutils.h>
#include <libavutil/channel_layout.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/pixdesc.h>
#include <libavutil/aes.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

static inline int sr_averror(int e) { return AVERROR(e); }
static inline int sr_averror_eof(void) { return AVERROR_EOF; }
static inline int sr_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int sr_averror_exit(void) { return AVERROR_EXIT; }
static inline int sr_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int64_t sr_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational sr_time_base_q(void) { return (AVRational){1, AV_TIME_BASE}; }
static inline int sr_pkt_flag_key(void) { return AV_PKT_FLAG_KEY; }
static inline int sr_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }
static inline int sr_avfmt_globalheader(void) { return AVFMT_GLOBALHEADER; }
static inline int sr_pkt_flag_discard(void) { return AV_PKT_FLAG_DISCARD; }
static inline int sr_pkt_flag_corrupt(void) { return AV_PKT_FLAG_CORRUPT; }
static inline int sr_avseek_size(void) { return AVSEEK_SIZE; }
static inline int sr_probe_score_max(void) { return AVPROBE_SCORE_MAX; }
static inline int sr_avfmt_flag_custom_io(void) { return AVFMT_FLAG_CUSTOM_IO; }
static inline int sr_avfmt_nofile(void) { return AVFMT_NOFILE; }
static inline int sr_avio_flag_write(void) { return AVIO_FLAG_WRITE; }
static inline int sr_avio_flag_read(void) { return AVIO_FLAG_READ; }

/// av_err2str without the compound literal: writes into buf (>= AV_ERROR_MAX_STRING_SIZE).
static inline const char *sr_err2str(int err, char *buf, size_t size) {
    av_strerror(err, buf, size);
    return buf;
}

static inline uint32_t sr_mktag(char a, char b, char c, char d) { return MKTAG(a, b, c, d); }

/// renameat2(RENAME_EXCHANGE) via syscall (glibc hides it without _GNU_SOURCE): swaps two paths
/// atomically. Returns 0 or -1 with errno set (ENOSYS/EINVAL where unsupported).
static inline int sr_rename_exchange(const char *from, const char *to) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2 /* RENAME_EXCHANGE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#endif
