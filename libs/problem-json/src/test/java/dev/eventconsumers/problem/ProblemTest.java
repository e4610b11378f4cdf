package dev.eventconsumers.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ProblemTest {

    @Test
    void writesRfc9457MembersWithFieldErrorsAndExtensions() throws Exception {
        Problem problem = Problem.of("validation-failed", "Invalid order", 400, "2 fields are invalid")
                .withErrors(List.of(new Problem.FieldError("/total_amount", "must be > 0"),
                                    new Problem.FieldError("/items", "must not be empty")))
                .with("orderId", "ORD-1");
        JsonNode json = new ObjectMapper().readTree(problem.toJson());
        assertEquals("urn:event-consumers:problem:validation-failed", json.path("type").asText());
        assertEquals("Invalid order", json.path("title").asText());
        assertEquals(400, json.path("status").asInt());
        assertEquals("2 fields are invalid", json.path("detail").asText());
        assertEquals("/total_amount", json.path("errors").path(0).path("name").asText());
        assertEquals("must not be empty", json.path("errors").path(1).path("reason").asText());
        assertEquals("ORD-1", json.path("orderId").asText());
    }

    @Test
    void omitsEmptyErrors() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Problem.of("x", "X", 503, "later").toJson());
        assertFalse(json.has("errors"));
    }
}
