package io.guildhall.runtime.store;

import java.nio.file.Path;

/** An online backup that was written: where, how many bytes, how long it took. */
public record Backup(Path folder, long bytes, long millis) {
}
