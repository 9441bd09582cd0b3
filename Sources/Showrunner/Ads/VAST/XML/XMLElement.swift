/// One element of a document read by `XMLReader`.
///
/// Names are local names: a namespace prefix (`vast:Ad`) is dropped and namespace declarations
/// (`xmlns`, `xmlns:*`) are not kept as attributes. Mixed content is flattened: `text` is every
/// text and CDATA piece directly inside this element, concatenated in order (whitespace kept), and
/// `children` are the child elements in order. Comments and processing instructions are dropped.
public struct XMLElement: Sendable, Hashable {
    /// The local name, e.g. `MediaFile`.
    public var name: String
    /// The attributes in document order, entity references expanded.
    public var attributes: [XMLAttribute]
    /// The child elements in document order.
    public var children: [XMLElement]
    /// The character data directly inside this element (text and CDATA, references expanded,
    /// line endings normalized to LF), untrimmed.
    public var text: String

    /// An element; all parts default to empty.
    public init(name: String, attributes: [XMLAttribute] = [], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The value of the attribute with local name `name` (exact, case-sensitive), if present.
    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The first child element named `name`.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// Every child element named `name`, in order.
    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// `text` without leading and trailing whitespace (space, tab, CR, LF).
    public var trimmedText: String { text.xmlTrimmed }
}

/// One attribute of an `XMLElement`: local name and expanded value.
public struct XMLAttribute: Sendable, Hashable {
    /// The local name (prefix dropped).
    public var name: String
    /// The value, references expanded and literal tab/CR/LF turned into spaces (XML 1.0 §3.3.3).
    public var value: String

    /// An attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension String {
    /// Without leading and trailing XML whitespace (space, tab, CR, LF).
    var xmlTrimmed: String {
        let isSpace: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
        let u = utf8
        guard let first = u.firstIndex(where: { !isSpace($0) }), let last = u.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: u[first...last], as: UTF8.self)
    }
}
