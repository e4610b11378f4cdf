package coldstart;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;

/** Accepts any CloudEvent and does nothing: what a cold start costs before any work. */
public class Receive implements CloudEventsFunction {
    @Override
    public void accept(CloudEvent event) {
    }
}
