package io.ferry.cli;

import io.ferry.config.ConditionEvaluator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Properties;

/** What {@code ferry -v} prints: the version of this build and the system it runs on. */
final class Version {

    private static final String NUMBER = load();

    private Version() {
    }

    /** The project version, e.g. {@code 0.1.0}. */
    static String number() {
        return NUMBER;
    }

    /** The jar (or class directory) this code was loaded from. */
    static String executable() {
        try {
            return Path.of(Version.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return "unknown";
        }
    }

    /** The lines of {@code -v}. */
    static String text() {
        return "Ferry version " + NUMBER + " - reads the configuration language of HAProxy "
                + ConditionEvaluator.LANGUAGE_VERSION + "\n"
                + "Running on: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + "\n";
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/io/ferry/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
