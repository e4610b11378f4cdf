package coldstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;

/** Parses the event's data with Jackson and reads the object's name: the least a real function does with an event. */
public class Parse implements CloudEventsFunction {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void accept(CloudEvent event) throws Exception {
        JsonNode data = MAPPER.readTree(event.getData().toBytes());
        if (data.path("name").asText().isEmpty()) {
            throw new IllegalArgumentException("no object name");
        }
    }
}
