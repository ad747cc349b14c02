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
            path: "Sources/Delbar",
            linkerSettings: [
                // The static Rust library needs these system frameworks: Security (TLS
                // certificates and the keychain, used by iroh's QUIC stack and rustls) and
                // SystemConfiguration (network interface and reachability lookups, used to
                // find the device's addresses). Without them linking an app fails with
                // undefined symbols such as _SecTrustEvaluateWithError and _SCDynamicStoreCreate.
                .linkedFramework("Security"),
                .linkedFramework("SystemConfiguration"),
            ]
        ),
        .testTarget(
            name: "DelbarTests",
            dependencies: ["Delbar"],
            path: "Tests/DelbarTests"
        ),
    ]
)
