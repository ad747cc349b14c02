// One store per process. Plain Kotlin (no android.* imports), compiled and tested on the JVM
// by bindings/kotlin/run-tests.sh.

package org.delbar

import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * The process's open stores, one per file.
 *
 * A store file has one writer at a time: a second `DelbarStore.open` of the same file fails
 * with `DelbarException.InUse`. On Android an Activity is created again on every rotation
 * and may outlive or be outlived by others, so an Activity must not open (or close) the
 * store itself. Open it through this object instead, from the `Application` or any screen:
 * every caller gets the same [DelbarStore] for the same path, opened once, and it stays open
 * for the life of the process (the operating system ends the process; the store's writes are
 * durable as they are acknowledged, so nothing needs closing).
 *
 * ```kotlin
 * class App : Application() {
 *     val store = MainScope().async { DelbarStores.open(File(filesDir, "delbar.db").path) }
 * }
 * ```
 */
object DelbarStores {
    private val mutex = Mutex()
    private val open = HashMap<String, DelbarStore>()

    /** The store at [path], opened on the first call and shared by every later one. */
    suspend fun open(path: String): DelbarStore = mutex.withLock {
        open[path] ?: DelbarStore.open(path).also { open[path] = it }
    }

    /**
     * Closes the store at [path] if this object opened it (for tests, or an app that must
     * release the file, e.g. before restoring a backup). Later [open] calls open it again.
     */
    suspend fun close(path: String) = mutex.withLock {
        open.remove(path)?.close()
    }
}
