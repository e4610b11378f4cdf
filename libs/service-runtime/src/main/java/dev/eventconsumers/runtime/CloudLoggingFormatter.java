package dev.eventconsumers.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventconsumers.telemetry.TraceContext;
import io.helidon.logging.common.HelidonMdc;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object per line in the shape Cloud Logging reads from a container's stdout: {@code severity},
 * {@code message}, {@code time}, trace correlation ({@code logging.googleapis.com/trace}, {@code spanId},
 * {@code trace_sampled}) and labels with the event's {@code ce-*} attributes.
 */
public final class CloudLoggingFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();
    private final String projectId;

    /**
     * @param projectId project for trace resource names; without one, the trace id is written as a label only
     */
    public CloudLoggingFormatter(Optional<String> projectId) {
        this.projectId = projectId.orElse(null);
    }

    @Override
    public String format(LogRecord record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("severity", severity(record.getLevel()));
            json.writeStringField("message", messageWithStackTrace(record));
            json.writeStringField("time", Instant.ofEpochMilli(record.getMillis()).toString());
            json.writeStringField("logger", record.getLoggerName());
            Optional<String> traceId = HelidonMdc.get(LogFields.TRACE_ID);
            if (traceId.isPresent() && projectId != null) {
                json.writeStringField("logging.googleapis.com/trace", TraceContext.resourceName(projectId, traceId.get()));
            }
            Optional<String> spanId = HelidonMdc.get(LogFields.SPAN_ID);
            if (spanId.isPresent()) {
                json.writeStringField("logging.googleapis.com/spanId", spanId.get());
            }
            Optional<String> sampled = HelidonMdc.get(LogFields.TRACE_SAMPLED);
            if (sampled.isPresent()) {
                json.writeBooleanField("logging.googleapis.com/trace_sampled", Boolean.parseBoolean(sampled.get()));
            }
            boolean labels = false;
            for (String name : LogFields.LABELS) {
                Optional<String> value = HelidonMdc.get(name);
                if (value.isPresent()) {
                    if (!labels) {
                        json.writeObjectFieldStart("logging.googleapis.com/labels");
                        labels = true;
                    }
                    json.writeStringField(name, value.get());
                }
            }
            if (traceId.isPresent() && projectId == null) {
                if (!labels) {
                    json.writeObjectFieldStart("logging.googleapis.com/labels");
                    labels = true;
                }
                json.writeStringField(LogFields.TRACE_ID, traceId.get());
            }
            if (labels) {
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    static String severity(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    String messageWithStackTrace(LogRecord record) {
        String message = formatMessage(record);
        if (record.getThrown() == null) {
            return message;
        }
        // Error Reporting groups entries whose message ends with a Java stack trace.
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        return message + "\n" + trace;
    }
}
