package dev.eventconsumers.runtime;

import io.helidon.config.Config;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Installs the service's log format on the root JUL logger: {@code json} (Cloud Logging, the default) or
 * {@code text} (a developer's terminal). Config: {@code log.format}, {@code log.level}, and the project for trace
 * names from {@code gcp.project} (env {@code GCP_PROJECT}) or the {@code GOOGLE_CLOUD_PROJECT} environment variable.
 */
public final class ServiceLogging {

    private ServiceLogging() {
    }

    /**
     * @param config the root config
     */
    public static void configure(Config config) {
        String format = config.get("log.format").asString().orElse("json");
        Level level = Level.parse(config.get("log.level").asString().orElse("INFO").toUpperCase());
        install(formatter(format, GcpProject.of(config)), System.out, level);
    }

    /**
     * @param format    {@code json} or {@code text}
     * @param projectId project for trace resource names
     * @return the formatter
     */
    public static Formatter formatter(String format, Optional<String> projectId) {
        return switch (format.toLowerCase()) {
            case "json" -> new CloudLoggingFormatter(projectId);
            case "text" -> new TerminalFormatter();
            default -> throw new IllegalArgumentException("log.format must be json or text, not " + format);
        };
    }

    /**
     * Replaces the root logger's handlers with one that writes each record, flushed, to {@code out}.
     *
     * @param formatter line format
     * @param out       where lines go (stdout in a container)
     * @param level     the root level
     */
    public static void install(Formatter formatter, OutputStream out, Level level) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new StreamHandler(out instanceof PrintStream ps ? ps : new PrintStream(out, true), formatter) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(level);
    }
}
