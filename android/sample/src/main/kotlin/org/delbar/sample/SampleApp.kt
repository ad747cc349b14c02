package org.delbar.sample

import android.app.Application
import java.io.File
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.async
import org.delbar.DelbarStores
import org.delbar.DelbarStore
import org.delbar.setLocale
import org.delbar.setTimeZone

/**
 * The process's one store. Activities come and go (rotation, back, the system reclaiming
 * them); the store stays open for the life of the process, opened once through
 * [DelbarStores], and is never closed by a screen.
 */
class SampleApp : Application() {
    /** The store, opened in the background when the process starts. */
    lateinit var store: Deferred<DelbarStore>
        private set

    override fun onCreate() {
        super.onCreate()
        applyLocale()
        store = MainScope().async { DelbarStores.open(File(filesDir, "delbar.db").path) }
    }

    /** Texts the core makes (notification titles, error messages) in the phone's language. */
    fun applyLocale() {
        setLocale(resources.configuration.locales[0].toLanguageTag())
        // Local times in texts, summer time included; an id the core does not know keeps UTC.
        runCatching { setTimeZone(java.time.ZoneId.systemDefault().id) }
    }
}
