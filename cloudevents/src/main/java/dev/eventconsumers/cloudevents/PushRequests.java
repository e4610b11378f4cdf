package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.events.cloud.scheduler.v1.SchedulerJobData;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The two requests Cloud Run services get without Eventarc, turned into the CloudEvent Eventarc would have sent:
 * a Pub/Sub push subscription's POST and a Cloud Scheduler HTTP job's call.
 */
final class PushRequests {
    static final String SCHEDULER_JOB_HEADER = "x-cloudscheduler-jobname";
    static final String SCHEDULER_TIME_HEADER = "x-cloudscheduler-scheduletime";
    static final String SCHEDULER_FLAG_HEADER = "x-cloudscheduler";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PushRequests() {
    }

    /**
     * @param body request body
     * @return the parsed body, if it has the shape of a Pub/Sub push ({@code {"message":{...}, ...}})
     */
    static Optional<JsonNode> pubSubPushBody(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode root = MAPPER.readTree(body);
            return root != null && root.path("message").isObject() ? Optional.of(root) : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /**
     * @param root push body
     * @param body the same, as bytes (kept unchanged as the event's data)
     * @return {@code google.cloud.pubsub.topic.v1.messagePublished} with the push body as data
     */
    static CloudEvent fromPubSubPush(JsonNode root, byte[] body) {
        String subscription = root.path("subscription").asText("");
        if (subscription.isEmpty()) {
            throw new InvalidEventException("invalid-push", "a Pub/Sub push body names its subscription",
                                            "/subscription", "required");
        }
        JsonNode message = root.path("message");
        String id = message.path("messageId").asText(message.path("message_id").asText(""));
        if (id.isEmpty()) {
            throw new InvalidEventException("invalid-push", "a Pub/Sub push message has an id",
                                            "/message/messageId", "required");
        }
        String publishTime = message.path("publishTime").asText(message.path("publish_time").asText(""));
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(uri("//pubsub.googleapis.com/" + subscription, "/subscription"))
                .withType(EventTypes.PUBSUB_MESSAGE_PUBLISHED)
                .withDataContentType("application/json")
                .withData(body);
        if (!publishTime.isEmpty()) {
            event.withTime(parseTime(publishTime, "/message/publishTime"));
        }
        return event.build();
    }

    /**
     * @param jobName      {@code X-CloudScheduler-JobName}
     * @param scheduleTime {@code X-CloudScheduler-ScheduleTime}, if sent
     * @param body         the job's body, which becomes {@code custom_data}
     * @return {@code google.cloud.scheduler.job.v1.executed}; its id is the job and schedule time, so that a retried
     *         call is recognisably the same run
     */
    static CloudEvent fromSchedulerCall(String jobName, Optional<String> scheduleTime, byte[] body) {
        if (jobName.isBlank()) {
            throw new InvalidEventException("invalid-scheduler-call", "a Cloud Scheduler call names its job",
                                            "X-CloudScheduler-JobName", "required");
        }
        SchedulerJobData data = SchedulerJobData.newBuilder().setCustomData(ByteString.copyFrom(body)).build();
        String json;
        try {
            json = JsonFormat.printer().print(data);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(e);
        }
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(jobName + "/" + scheduleTime.orElse("unscheduled"))
                .withSource(uri("//cloudscheduler.googleapis.com/jobs/" + jobName, "X-CloudScheduler-JobName"))
                .withType(EventTypes.SCHEDULER_JOB_EXECUTED)
                .withDataContentType("application/json")
                .withData(json.getBytes(StandardCharsets.UTF_8));
        scheduleTime.ifPresent(t -> event.withTime(parseTime(t, "X-CloudScheduler-ScheduleTime")));
        return event.build();
    }

    private static URI uri(String text, String name) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidEventException("invalid-push", "a name does not make a URI-reference source", name,
                                            e.getReason());
        }
    }

    private static OffsetDateTime parseTime(String value, String name) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("invalid-time", "a timestamp is not RFC 3339", name,
                                            "'" + value + "' is not an RFC 3339 timestamp");
        }
    }
}
