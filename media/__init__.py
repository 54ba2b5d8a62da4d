"""Media processing as plain functions (no Django): paths and specs in, results out.

    safety      sniffing, pinned demuxer/protocol whitelists, time and size limits
    probe       probe(path, limits) -> MediaInfo
    config      TranscodeConfig / Rung / ProxySpec / QcThresholds (settings-shaped)
    ladder      plan_ladder(info, config) -> LadderPlan
    transcode   transcode(info, out_dir, plan, config, ...) -> TranscodeResult (one pass)
    progress    running ffmpeg with percent progress and cancel
    thumbnails  make_thumbnails(info, out_dir, ...) -> Thumbnails
    qc          QC filters, their parsing, DeliveryProfile, build_qc_report(...)
"""
