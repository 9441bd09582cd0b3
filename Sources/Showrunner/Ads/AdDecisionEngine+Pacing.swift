
/// Pacing, channel-local days, stable hashes and the wording of durations.
extension AdDecisionEngine {
    static let dayMS: Int64 = 86_400_000
    static let hourMS: Int64 = 3_600_000
    /// Even pacing lets a campaign run this far ahead of a strictly linear spread of its daily
    /// target, so the first hour of the local day is not starved (a decision at 00:00:01 may
    /// already place 1/24 of the day's target).
    static let pacingHeadStartMS: Int64 = 3_600_000
    /// `overlong: trim` does not keep an ad cut to less than this.
    static let minimumTrimMS: Int64 = 1000

    // MARK: Stable hashes

    /// FNV-1a 64 over the UTF-8 bytes of `s`: stable across processes and platforms (unlike
    /// Swift's `Hasher`, which is seeded per process).
    public static func hash64(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The SCTE-35 event id of a session's break (`splice_event_id` / `segmentation_event_id`):
    /// the lower 32 bits of `hash64(session + "\u{0}" + breakID)`, 1 when those are 0 (0 is
    /// avoided so an id is never mistaken for "none").
    public static func eventID(session: String, breakID: String) -> UInt32 {
        let id = UInt32(truncatingIfNeeded: hash64(session + "\u{0}" + breakID))
        return id == 0 ? 1 : id
    }

    /// The order key that rotates equal candidates across sessions: `hash64(session + "\u{0}" + id)`
    /// passed through the MurmurHash3 64-bit finalizer. FNV-1a alone is not enough here: ids that
    /// differ only in their last byte (`camp-a`, `camp-b`, `camp-c`) get hashes that differ by a
    /// small multiple of the FNV prime, so their order would depend on two low bits of the session
    /// hash and three such campaigns would lead 50 / 25 / 25 % of the time instead of a third each.
    static func rotationKey(session: String, id: String) -> UInt64 {
        var k = hash64(session + "\u{0}" + id)
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    // MARK: Channel-local time

    /// Floor division for the (possibly negative) local offsets.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Where `t` falls in the channel's local day: the day number (days since 1970-01-01 local)
    /// and the milliseconds elapsed since local midnight.
    static func localDay(_ t: Timestamp, offsetMinutes: Int) -> (day: Int64, elapsedMS: Int64) {
        let local = t.milliseconds + Int64(offsetMinutes) * 60_000
        let day = floorDiv(local, dayMS)
        return (day, local - day * dayMS)
    }

    /// The hour of the channel-local day, 0...23.
    static func localHour(_ t: Timestamp, offsetMinutes: Int) -> Int {
        Int(localDay(t, offsetMinutes: offsetMinutes).elapsedMS / hourMS)
    }

    // MARK: Pacing

    /// Where a campaign stands against its goal and pacing at `now`.
    struct PaceState: Sendable, Hashable {
        var pacing: Pacing
        var goal: Int64
        var beforeToday: Int64
        var today: Int64
        /// Even pacing: the day's share of the remaining goal (0 for asap).
        var dailyTarget: Int64
        /// Even pacing: how many may have been placed by now today (0 for asap).
        var allowed: Int64
        var remainingDays: Int64

        var goalMet: Bool { beforeToday + today >= goal }
        /// Even pacing and at or over what the day allows so far.
        var ahead: Bool { pacing == .even && today >= allowed }

        /// Compares how far behind pacing two campaigns are: true when `self` is further behind
        /// (a lower today/allowed ratio) than `other`. Asap campaigns count as ratio 0.
        func isBehind(_ other: PaceState) -> Bool {
            let (a, aAllowed) = ratio
            let (b, bAllowed) = other.ratio
            // a / aAllowed < b / bAllowed, exactly, in full width.
            let lhs = a.multipliedFullWidth(by: bAllowed)
            let rhs = b.multipliedFullWidth(by: aAllowed)
            return lhs.high < rhs.high || (lhs.high == rhs.high && lhs.low < rhs.low)
        }

        private var ratio: (Int64, Int64) {
            pacing == .even && allowed > 0 ? (max(0, today), allowed) : (0, 1)
        }

        /// "even 3/10 allowed so far (70 % behind)", "asap".
        var summary: String {
            switch pacing {
            case .asap: return "asap, \(beforeToday + today)/\(goal) delivered"
            case .even:
                let behind = allowed > 0 ? max(0, (allowed - today) * 100 / allowed) : 0
                return "even, \(today)/\(allowed) allowed so far today (\(behind) % behind, daily target \(dailyTarget))"
            }
        }
    }

    /// Even pacing: `remainingDays` is the number of channel-local days from today to the end of
    /// the flight, today included and a partial last day counted (at least 1);
    /// `dailyTarget = ceil((goal − beforeToday) / remainingDays)`;
    /// `allowed = min(dailyTarget, ceil(dailyTarget × (elapsed + 1 h) / 24 h))` where `elapsed` is the
    /// time since local midnight — the 1-hour head start (`pacingHeadStartMS`) keeps the night's
    /// first hour from being starved. A campaign is ahead (refused) when `today ≥ allowed`.
    static func paceState(_ c: Campaign, counts: DeliveryCounts, now: Timestamp, offsetMinutes: Int) -> PaceState {
        let before = max(0, counts.campaignBeforeToday[c.id] ?? 0)
        let today = max(0, counts.campaignToday[c.id] ?? 0)
        let (day, elapsed) = localDay(now, offsetMinutes: offsetMinutes)
        let localUntil = c.until.milliseconds + Int64(offsetMinutes) * 60_000
        let fromToday = localUntil - day * dayMS
        let remainingDays = max(1, fromToday / dayMS + (fromToday % dayMS > 0 ? 1 : 0))
        let remaining = max(0, c.impressionGoal - before)
        let daily = remaining / remainingDays + (remaining % remainingDays > 0 ? 1 : 0)
        let allowed = min(daily, ceilMulDiv(daily, elapsed + pacingHeadStartMS, dayMS))
        return PaceState(pacing: c.pacing, goal: c.impressionGoal, beforeToday: before, today: today,
                         dailyTarget: c.pacing == .even ? daily : 0, allowed: c.pacing == .even ? allowed : 0,
                         remainingDays: remainingDays)
    }

    /// ceil(a × b / d) for a, b ≥ 0 and d > 0, without overflow in the product.
    static func ceilMulDiv(_ a: Int64, _ b: Int64, _ d: Int64) -> Int64 {
        guard a > 0, b > 0 else { return 0 }
        let p = UInt64(a).multipliedFullWidth(by: UInt64(b))
        let ud = UInt64(d)
        guard p.high < ud else { return Int64.max }
        let (q, r) = ud.dividingFullWidth(p)
        let c = r > 0 ? q + 1 : q
        return c > UInt64(Int64.max) ? Int64.max : Int64(c)
    }

    // MARK: Wording

    /// Milliseconds as seconds with three decimals: `20.000 s`.
    static func seconds(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let m = ms.magnitude
        let frac = String(m % 1000)
        return "\(sign)\(m / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac) s"
    }
}
