package dev.eventconsumers.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.helidon.http.Header;
import io.helidon.webserver.WebServer;

import java.util.HashMap;
import java.util.Map;

/**
 * The yardstick "bare Helidon SE 4.5 + cloudevents-http-basic + Jackson": one route that reads a binary-mode
 * CloudEvent, parses its data with Jackson, and answers 204. No validation, no logging, no metrics: what the binding's
 * correctness is measured against.
 */
public final class BareHelidon {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BareHelidon() {
    }

    public static void main(String[] args) {
        WebServer.builder().host("127.0.0.1").port(Integer.parseInt(args[0]))
                .routing(routing -> routing.post("/", (req, res) -> {
                    Map<String, String> headers = new HashMap<>();
                    for (Header header : req.headers()) {
                        headers.put(header.name(), header.get());
                    }
                    byte[] body = req.content().as(byte[].class);
                    CloudEvent event = HttpMessageFactory.createReader(headers, body).toEvent();
                    JsonNode data = MAPPER.readTree(event.getData().toBytes());
                    if (data.path("name").asText().isEmpty()) {
                        res.status(400).send();
                        return;
                    }
                    res.status(204).send();
                }))
                .build().start();
    }
}
