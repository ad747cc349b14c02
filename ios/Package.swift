// swift-tools-version:5.9
// The Delbar Swift package: the Rust core as a static library in DelbarFFI.xcframework
// (built locally by ./build-xcframework.sh), the generated Swift API as the `Delbar`
// module, and an XCTest suite. Apps add this directory as a local package and
// `import Delbar`.
import PackageDescription

let package = Package(
    name: "Delbar",
    platforms: [
        .iOS(.v15),
        // For `swift test` on the Mac; the XCFramework has a macOS slice for it.
        .macOS(.v12),
    ],
    products: [
        .library(name: "Delbar", targets: ["Delbar"]),
    ],
    targets: [
        .binaryTarget(
            name: "DelbarFFI",
            path: "DelbarFFI.xcframework"
        ),
        .target(
            name: "Delbar",
            dependencies: ["DelbarFFI"],
            path: "Sources/Delbar"
        ),
        .testTarget(
            name: "DelbarTests",
            dependencies: ["Delbar"],
            path: "Tests/DelbarTests"
        ),
    ]
)
