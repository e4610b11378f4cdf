package dev.eventconsumers.orders;

import dev.eventconsumers.telemetry.Tracing;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.ServiceOptions;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import dev.eventconsumers.runtime.Background;
import dev.eventconsumers.runtime.GcpProject;
import io.grpc.ManagedChannelBuilder;
import io.helidon.config.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Publishes through google-cloud-pubsub's {@link TopicAdminClient}: one {@code Publish} call per topic and page of
 * messages, which keeps their order and carries each message's ordering key (its order id). The call is synchronous
 * and gives up after {@code timeout}: when it returns, Pub/Sub has either accepted a message or will never see this
 * attempt of it, so nothing is left retrying in the background and a later flush publishes exactly what is missing.
 * (The high-level {@code Publisher} keeps retrying for at least 10 s after its caller gave up, which would publish
 * behind the outbox's back.) The Java client does not read {@code PUBSUB_EMULATOR_HOST} by itself: with an emulator
 * host it gets a plaintext channel and no credentials.
 */
public final class PubSubPublisher implements MessagePublisher {
    /** Messages per {@code Publish} call at most (Pub/Sub allows 1000). */
    static final int PER_CALL = 500;
    private static final Logger LOGGER = Logger.getLogger(PubSubPublisher.class.getName());

    private final String projectId;
    private final Supplier<Connection> connection;

    /** The client, and the emulator's channel where there is one. */
    private record Connection(Optional<ManagedChannel> emulatorChannel, TopicAdminClient client) {
    }

    /**
     * @param config the root config: {@code gcp.project}, {@code pubsub.timeout}, and {@code pubsub.emulator.host}
     *               (env {@code PUBSUB_EMULATOR_HOST}) for Google's emulator
     * @return the publisher those settings describe
     */
    public static PubSubPublisher create(Config config) {
        return new PubSubPublisher(GcpProject.of(config).orElseGet(ServiceOptions::getDefaultProjectId),
                                   config.get("pubsub.emulator.host").asString().asOptional(),
                                   config.get("pubsub.timeout").as(Duration.class).get());
    }

    /**
     * The project is checked now; the client is built on a background thread started now ({@link Background}), while
     * the service goes on starting, and the first publish waits for it.
     *
     * @param projectId    project of the topics
     * @param emulatorHost {@code host:port} of the Pub/Sub emulator, if one is used
     * @param timeout      how long one publish may retry
     */
    public PubSubPublisher(String projectId, Optional<String> emulatorHost, Duration timeout) {
        if (projectId == null || projectId.isBlank()) {
            throw new IllegalStateException("no Google Cloud project: set GCP_PROJECT");
        }
        this.projectId = projectId;
        this.connection = Background.start("pubsub-client", () -> connect(emulatorHost, timeout));
    }

    private static Connection connect(Optional<String> emulatorHost, Duration timeout) {
        Optional<ManagedChannel> emulatorChannel = emulatorHost.filter(h -> !h.isBlank())
                .map(host -> ManagedChannelBuilder.forTarget(host).usePlaintext().build());
        TopicAdminSettings.Builder settings = TopicAdminSettings.newBuilder();
        settings.publishSettings().setRetrySettings(BoundedRetries.within(timeout, Duration.ofSeconds(1)));
        emulatorChannel.ifPresent(channel -> settings
                .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create()));
        try {
            return new Connection(emulatorChannel, TopicAdminClient.create(settings.build()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a Pub/Sub client", e);
        }
    }

    @Override
    public Set<String> publish(List<OutboxMessage> messages) {
        return Tracing.client("pubsub publish", "pubsub", () -> publishTraced(messages));
    }

    private Set<String> publishTraced(List<OutboxMessage> messages) {
        Map<String, List<OutboxMessage>> byTopic = new LinkedHashMap<>();
        for (OutboxMessage message : messages) {
            byTopic.computeIfAbsent(message.topic(), t -> new java.util.ArrayList<>()).add(message);
        }
        Connection connection = this.connection.get();
        // After an outage the channel waits out its reconnect backoff (up to two minutes): a flush tries now.
        connection.emulatorChannel().ifPresent(ManagedChannel::resetConnectBackoff);
        Set<String> published = new HashSet<>();
        for (Map.Entry<String, List<OutboxMessage>> topic : byTopic.entrySet()) {
            List<OutboxMessage> all = topic.getValue();
            for (int from = 0; from < all.size(); from += PER_CALL) {
                List<OutboxMessage> call = all.subList(from, Math.min(all.size(), from + PER_CALL));
                try {
                    connection.client().publish(TopicName.of(projectId, topic.getKey()),
                                                call.stream().map(PubSubPublisher::pubsub).toList());
                    call.forEach(m -> published.add(m.id()));
                } catch (ApiException e) {
                    LOGGER.warning(() -> "publishing " + call.size() + " messages to " + topic.getKey()
                            + " failed (" + e.getStatusCode().getCode() + "): " + e.getMessage());
                    // Later messages of the same topic would overtake these: leave them for the next flush too.
                    break;
                }
            }
        }
        return published;
    }

    private static PubsubMessage pubsub(OutboxMessage message) {
        PubsubMessage.Builder pubsub = PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(message.data()))
                .putAllAttributes(message.attributes());
        if (!message.orderingKey().isEmpty()) {
            pubsub.setOrderingKey(message.orderingKey());
        }
        return pubsub.build();
    }

    @Override
    public void close() {
        Connection open;
        try {
            open = connection.get();
        } catch (RuntimeException neverBuilt) {
            return;
        }
        open.client().close();
        open.emulatorChannel().ifPresent(ManagedChannel::shutdown);
    }
}
