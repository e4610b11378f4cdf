package dev.eventconsumers.runtime;

import io.helidon.logging.common.HelidonMdc;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Plain one-line logs for a developer's terminal: time, severity, logger, message, the event's id and type, and the
 * trace id (so one order's path can be followed through the services' logs with grep).
 */
public final class TerminalFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(TIME.format(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault())))
                .append(' ')
                .append(String.format("%-7s", CloudLoggingFormatter.severity(record.getLevel())))
                .append(' ')
                .append(shortName(record.getLoggerName()))
                .append(": ")
                .append(formatMessage(record));
        Optional<String> type = HelidonMdc.get(LogFields.CE_TYPE);
        Optional<String> id = HelidonMdc.get(LogFields.CE_ID);
        if (type.isPresent() || id.isPresent()) {
            line.append("  [").append(type.orElse("?")).append(' ').append(id.orElse("?")).append(']');
        }
        HelidonMdc.get(LogFields.TRACE_ID).ifPresent(trace -> line.append("  trace=").append(trace));
        line.append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
