// The Delbar Android library: the generated Kotlin bindings (uniffi), the native library
// libdelbar_ffi.so for arm64-v8a, armeabi-v7a and x86_64, and the org.delbar wrapper.
// Run ../build-rust.sh first: it fills src/main/jniLibs and src/generated/kotlin
// (both ignored by git).
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.delbar"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            // src/main/kotlin: the plain-Kotlin wrapper (also compiled and tested on a desktop
            // JVM by bindings/kotlin/run-tests.sh); src/main/android: the parts that use
            // android.* APIs (the multicast lock); src/generated/kotlin: uniffi's delbar_ffi.kt.
            java.srcDirs("src/main/kotlin", "src/main/android", "src/generated/kotlin")
            // src/main/jniLibs/<abi>/libdelbar_ffi.so is AGP's default place; said for clarity.
            jniLibs.srcDirs("src/main/jniLibs")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    // The generated bindings call the native library through JNA; the @aar brings JNA's own
    // libjnidispatch.so for every Android ABI.
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    // suspend functions in the bindings, Flow in the wrapper.
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
}

// Fail early, with the fix, when the Rust outputs are missing.
val checkRustOutputs by tasks.registering {
    val bindings = file("src/generated/kotlin/org/delbar/delbar_ffi.kt")
    val jniLibs = file("src/main/jniLibs")
    doLast {
        val libs = jniLibs.listFiles().orEmpty().filter { java.io.File(it, "libdelbar_ffi.so").isFile }
        if (!bindings.isFile || libs.isEmpty()) {
            throw GradleException(
                "Delbar's Rust outputs are missing (src/generated/kotlin, src/main/jniLibs): " +
                    "run ./build-rust.sh in the android/ directory first (see android/README.md).",
            )
        }
    }
}

tasks.named("preBuild") { dependsOn(checkRustOutputs) }
