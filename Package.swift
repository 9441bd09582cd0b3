// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target (see CONVENTIONS.md §2).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Showrunner",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "showrunner", targets: ["ShowrunnerCLI"]),
        .library(name: "MediaCore", targets: ["MediaCore"]),
        .library(name: "Packager", targets: ["Packager"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // Ed25519 for signed boot-screen prefetch lists (the range admits what the graph resolves).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // FFmpeg's C libraries, found through pkg-config; static-inline wrappers in shim.h.
        .systemLibrary(
            name: "CShowrunnerAV",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]
        ),
        // Pure model: time, HLS playlists, codec strings. No C, no I/O.
        .target(name: "MediaCore", swiftSettings: swiftSettings),
        // The only module that imports FFmpeg.
        .target(name: "Packager", dependencies: ["MediaCore", "CShowrunnerAV"], swiftSettings: swiftSettings),
        // Domain: catalog, rights, publishing rules, the store protocol. Pure; clocks passed in.
        .target(name: "Showrunner", dependencies: ["MediaCore"], swiftSettings: swiftSettings),
        // The SQLite store (the only module that imports SQLite).
        .target(
            name: "Store",
            dependencies: ["Showrunner", "MediaCore", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The HTTP server (Hummingbird); domain errors become HTTP here only.
        .target(
            name: "Server",
            dependencies: [
                "Showrunner", "Store", "MediaCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ShowrunnerCLI",
            dependencies: [
                "MediaCore", "Packager", "Showrunner", "Store", "Server",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by the test targets (temp folders, processes, the conformance kit).
        .target(name: "ShowrunnerTestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ShowrunnerTests", dependencies: ["Showrunner", "MediaCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Showrunner", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Showrunner", "Store", "Packager", "MediaCore", "ShowrunnerCLI", "ShowrunnerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["VAST/Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PackagerTests",
            dependencies: ["Packager", "MediaCore", "ShowrunnerCLI", "ShowrunnerTestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
