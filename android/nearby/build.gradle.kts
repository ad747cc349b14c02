// Delbar over Nearby Connections: an adapter that carries a PipeSession (the core's sync over
// any byte pipe) between two phones with no network, over Bluetooth and Wi-Fi Direct.
// Kept out of the `delbar` module so apps that do not want Google Play services need not
// take them, and so the plain-Kotlin wrapper tested on the JVM stays free of android.*.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.delbar.nearby"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
    }

    sourceSets {
        getByName("main") {
            java.srcDirs("src/main/kotlin")
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
    api(project(":delbar"))
    implementation("com.google.android.gms:play-services-nearby:19.3.0")
}
