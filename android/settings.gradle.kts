// The Delbar Android shell: the `delbar` library (generated uniffi bindings, the native
// libraries built by ./build-rust.sh, a small Kotlin wrapper) and a `sample` app.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "delbar-android"
include(":delbar", ":nearby", ":sample")
