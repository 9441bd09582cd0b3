/// Language tags for EXT-X-MEDIA: HLS wants RFC 5646 (BCP 47) tags, which use the two-letter
/// ISO 639-1 code where one exists ("en", not "eng"); containers store ISO 639-2 three-letter codes.
public enum LanguageTag {
    /// ISO 639-2 (bibliographic and terminologic) → ISO 639-1, for the languages one meets in
    /// media files, and their English display names.
    static let table: [String: (code: String, name: String)] = [
        "eng": ("en", "English"), "spa": ("es", "Español"), "fra": ("fr", "Français"), "fre": ("fr", "Français"),
        "deu": ("de", "Deutsch"), "ger": ("de", "Deutsch"), "ita": ("it", "Italiano"), "por": ("pt", "Português"),
        "jpn": ("ja", "日本語"), "kor": ("ko", "한국어"), "zho": ("zh", "中文"), "chi": ("zh", "中文"),
        "rus": ("ru", "Русский"), "ara": ("ar", "العربية"), "hin": ("hi", "हिन्दी"), "nld": ("nl", "Nederlands"),
        "dut": ("nl", "Nederlands"), "swe": ("sv", "Svenska"), "nor": ("no", "Norsk"), "nob": ("nb", "Norsk bokmål"),
        "dan": ("da", "Dansk"), "fin": ("fi", "Suomi"), "pol": ("pl", "Polski"), "tur": ("tr", "Türkçe"),
        "tha": ("th", "ไทย"), "vie": ("vi", "Tiếng Việt"), "ind": ("id", "Bahasa Indonesia"), "heb": ("he", "עברית"),
        "ell": ("el", "Ελληνικά"), "gre": ("el", "Ελληνικά"), "ces": ("cs", "Čeština"), "cze": ("cs", "Čeština"),
        "hun": ("hu", "Magyar"), "ron": ("ro", "Română"), "rum": ("ro", "Română"), "ukr": ("uk", "Українська"),
        "msa": ("ms", "Bahasa Melayu"), "may": ("ms", "Bahasa Melayu"), "cat": ("ca", "Català"),
        "hrv": ("hr", "Hrvatski"), "srp": ("sr", "Српски"), "slk": ("sk", "Slovenčina"), "slo": ("sk", "Slovenčina"),
        "bul": ("bg", "Български"), "fas": ("fa", "فارسی"), "per": ("fa", "فارسی"), "urd": ("ur", "اردو"),
        "ben": ("bn", "বাংলা"), "tam": ("ta", "தமிழ்"), "tel": ("te", "తెలుగు"),
    ]

    /// The BCP 47 tag for a container's language value: ISO 639-2 codes are mapped to ISO 639-1
    /// where the table knows them; tags that already look like BCP 47 ("en", "pt-BR") are kept;
    /// anything else (empty, "und", non-ASCII, too long) gives nil.
    public static func bcp47(_ value: String?) -> String? {
        guard let raw = value?.lowercased(), !raw.isEmpty, raw != "und", raw != "mis", raw != "zxx" else { return nil }
        if let hit = table[raw] { return hit.code }
        let ok = raw.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard ok, raw.utf8.count <= 35, let first = raw.split(separator: "-").first, (2...3).contains(first.count) else {
            return nil
        }
        // Keep region subtags in their conventional case: "pt-br" → "pt-BR".
        let parts = raw.split(separator: "-").enumerated().map { i, p in
            i > 0 && p.count == 2 ? p.uppercased() : String(p)
        }
        return parts.joined(separator: "-")
    }

    /// A display name for a language value ("eng" → "English"), or nil when unknown.
    public static func displayName(_ value: String?) -> String? {
        guard let raw = value?.lowercased() else { return nil }
        if let hit = table[raw] { return hit.name }
        return table.values.first { $0.code == raw }?.name
    }
}
