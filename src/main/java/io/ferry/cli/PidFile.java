package io.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file {@code -p} (or {@code global pidfile}) names: one process id and a newline. */
final class PidFile {

    private PidFile() {
    }

    /** Writes {@code pid}; false after printing an alert when the file cannot be written. */
    static boolean write(Path file, long pid, Console console) {
        try {
            Files.writeString(file, pid + "\n");
            return true;
        } catch (IOException e) {
            console.alert("[ferry.main()] Cannot create pidfile " + file + ": " + e.getMessage());
            return false;
        }
    }
}
