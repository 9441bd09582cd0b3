/// Where a decoded picture goes in a still: which part of the source to use (crop) and where in
/// the box it lands (pad). Pure integer arithmetic; offsets are even so 4:2:0 chroma stays aligned.
struct StillGeometry: Hashable {
    /// Pixels cut from each side of the source.
    var cropLeft = 0
    var cropTop = 0
    var cropRight = 0
    var cropBottom = 0
    /// The scaled picture's rectangle inside the box.
    var x = 0
    var y = 0
    var width: Int
    var height: Int

    /// Plans a `source` picture (with pixel aspect `sar`, num/den, 1/1 for square pixels) into a
    /// `box` of even size by `fit`, keeping the display aspect ratio.
    static func plan(sourceWidth w: Int, sourceHeight h: Int, sarNum: Int, sarDen: Int,
                     boxWidth bw: Int, boxHeight bh: Int, fit: StillFit) -> StillGeometry {
        let sn = Int64(sarNum > 0 && sarDen > 0 ? sarNum : 1)
        let sd = Int64(sarNum > 0 && sarDen > 0 ? sarDen : 1)
        let (W, H, BW, BH) = (Int64(w), Int64(h), Int64(bw), Int64(bh))
        // Display aspect W·sn : H·sd against the box's BW : BH.
        let sourceWider = W * sn * BH >= BW * H * sd
        var g = StillGeometry(width: bw, height: bh)
        switch fit {
        case .crop:
            if sourceWider {
                // Keep the full height; use a centred slice of width H·sd·BW / (BH·sn).
                let used = min(W, max(2, roundedEven(H * sd * BW, BH * sn)))
                let left = ((W - used) / 2) & ~1
                g.cropLeft = Int(left)
                g.cropRight = Int(W - used - left)
            } else {
                let used = min(H, max(2, roundedEven(W * sn * BH, BW * sd)))
                let top = ((H - used) / 2) & ~1
                g.cropTop = Int(top)
                g.cropBottom = Int(H - used - top)
            }
        case .pad:
            if sourceWider {
                let sh = min(BH, max(2, roundedEven(BW * H * sd, W * sn)))
                g.height = Int(sh)
                g.y = Int(((BH - sh) / 2) & ~1)
            } else {
                let sw = min(BW, max(2, roundedEven(BH * W * sn, H * sd)))
                g.width = Int(sw)
                g.x = Int(((BW - sw) / 2) & ~1)
            }
        }
        return g
    }

    /// num/den rounded to the nearest even integer (ties up).
    static func roundedEven(_ num: Int64, _ den: Int64) -> Int64 {
        2 * ((num + den) / (2 * den))
    }
}
