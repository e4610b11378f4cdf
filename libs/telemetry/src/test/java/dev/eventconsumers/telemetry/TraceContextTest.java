package dev.eventconsumers.telemetry;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceContextTest {

    @Test
    void readsW3cTraceparent() {
        TraceContext trace = TraceContext.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace.traceId());
        assertEquals("00f067aa0ba902b7", trace.spanId());
        assertEquals(false, trace.sampled());
        assertEquals("projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736", trace.resourceName("p"));
    }

    @Test
    void rejectsInvalidTraceparents() {
        assertTrue(TraceContext.fromTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").isEmpty());
        assertTrue(TraceContext.fromTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").isEmpty());
        assertTrue(TraceContext.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01").isEmpty());
        assertTrue(TraceContext.fromTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01").isEmpty());
        assertTrue(TraceContext.fromTraceparent("garbage").isEmpty());
    }

    @Test
    void readsCloudTraceContextWithDecimalSpan() {
        TraceContext trace = TraceContext.fromCloudTraceContext("105445AA7843BC8BF206B12000100000/18446744073709551615;o=1")
                .orElseThrow();
        assertEquals("105445aa7843bc8bf206b12000100000", trace.traceId());
        assertEquals("ffffffffffffffff", trace.spanId());
        assertTrue(trace.sampled());
        assertTrue(TraceContext.fromCloudTraceContext("105445aa7843bc8bf206b12000100000/99999999999999999999").isEmpty());
    }

    @Test
    void traceparentWinsOverCloudTraceContext() {
        TraceContext trace = TraceContext.from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                               "105445aa7843bc8bf206b12000100000/1;o=1").orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace.traceId());
        assertEquals("105445aa7843bc8bf206b12000100000",
                     TraceContext.from("nonsense", "105445aa7843bc8bf206b12000100000/1").orElseThrow().traceId());
    }

    @Test
    void newTracesAndChildrenAreValidAndRoundTripAsTraceparent() {
        Set<String> traces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            TraceContext root = TraceContext.newRoot();
            traces.add(root.traceId());
            TraceContext child = root.child();
            assertEquals(root.traceId(), child.traceId());
            assertNotEquals(root.spanId(), child.spanId());
            assertEquals(child, TraceContext.fromTraceparent(child.traceparent()).orElseThrow());
            assertTrue(child.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
        }
        assertEquals(1000, traces.size(), "random trace ids");
    }
}
