"""Media processing as plain functions (no Django): paths and specs in, results out.

    safety      sniffing, pinned demuxer/protocol whitelists, time and size limits
    probe       probe(path, limits) -> MediaInfo
    config      TranscodeConfig / Rung / ProxySpec / QcThresholds (settings-shaped)
    ladder      plan_ladder(info, config) -> LadderPlan
    transcode   transcode(info, out_dir, plan, config, ...) -> TranscodeResult (one pass)
    chunks      long programmes: plan_chunks, transcode_chunk, transcode_audio, assemble
                (-> the same TranscodeResult as one pass)
    fmp4        the few ISO BMFF boxes assembly rewrites (tfdt, sidx, mfhd)
    progress    running ffmpeg with percent progress and cancel
    thumbnails  make_thumbnails(info, out_dir, ...) -> Thumbnails
    qc          QC filters, their parsing, DeliveryProfile, build_qc_report(...)
"""
