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
    ],
    targets: [
        // FFmpeg's C libraries, found through pkg-config; static-inline wrappers in shim.h.
        .systemLibrary(
            name: "CShowrunnerAV",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        // Pure model: time, HLS playlists, codec strings. No C, no I/O.
        .target(name: "MediaCore", swiftSettings: swiftSettings),
        // The only module that imports FFmpeg.
        .target(name: "Packager", dependencies: ["MediaCore", "CShowrunnerAV"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "ShowrunnerCLI",
            dependencies: [
                "MediaCore", "Packager",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PackagerTests",
            dependencies: ["Packager", "MediaCore", "ShowrunnerCLI"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
