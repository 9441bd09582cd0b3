/// Where an ad break sits in a title: before it, at a cut point inside it, or after it.
public enum BreakPosition: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case pre, mid, post

    public static func < (a: BreakPosition, b: BreakPosition) -> Bool {
        let order: [BreakPosition: Int] = [.pre: 0, .mid: 1, .post: 2]
        return order[a]! < order[b]!
    }
}
