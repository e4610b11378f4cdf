package dev.eventconsumers.testkit;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Google's Pub/Sub emulator for tests, found like {@link FirestoreEmulator} ({@link EmulatorSource}). One per test JVM,
 * on a free loopback port, stopped (with the JVM its launcher forks) when the JVM exits; where there is none, the
 * calling test is reported as not run with the reason. Topics and subscriptions live in its memory.
 */
public final class PubSubEmulator {
    public static final String PROJECT = FirestoreEmulator.PROJECT;
    private static PubSubEmulator shared;

    private final String host;
    private final ManagedChannel channel;
    private final TopicAdminClient topics;
    private final SubscriptionAdminClient subscriptions;

    private PubSubEmulator(String host) {
        this.host = host;
        this.channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
        TransportChannelProvider transport = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
        try {
            topics = TopicAdminClient.create(TopicAdminSettings.newBuilder().setTransportChannelProvider(transport)
                    .setCredentialsProvider(NoCredentialsProvider.create()).build());
            subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                    .setTransportChannelProvider(transport).setCredentialsProvider(NoCredentialsProvider.create()).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the emulator of this JVM; aborts the calling test (not run, with the reason) where there is none */
    public static synchronized PubSubEmulator shared() {
        if (shared == null) {
            shared = new PubSubEmulator(GoogleEmulator.PUBSUB.startForTests());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** @return {@code 127.0.0.1:PORT} */
    public String host() {
        return host;
    }

    /**
     * Creates a topic and a subscription with message ordering, both named {@code name}, if they do not exist, and
     * drops whatever the subscription still holds.
     *
     * @param name topic and subscription id
     */
    public void topicWithSubscription(String name) {
        try {
            topics.createTopic(TopicName.of(PROJECT, name));
        } catch (AlreadyExistsException exists) {
            // kept from an earlier test
        }
        try {
            subscriptions.createSubscription(Subscription.newBuilder()
                    .setName(SubscriptionName.of(PROJECT, name).toString())
                    .setTopic(TopicName.of(PROJECT, name).toString())
                    .setEnableMessageOrdering(true)
                    .setAckDeadlineSeconds(60).build());
        } catch (AlreadyExistsException exists) {
            drain(name);
        }
    }

    /**
     * Pulls and acknowledges messages until none arrives for a while.
     *
     * @param subscription subscription id
     * @param quiet        how long without a message ends the pull
     * @return every message pulled, in arrival order
     */
    public List<PubsubMessage> pullAll(String subscription, Duration quiet) {
        List<PubsubMessage> messages = new ArrayList<>();
        long idleSince = System.nanoTime();
        while (System.nanoTime() - idleSince < quiet.toNanos()) {
            PullResponse response = subscriptions.pull(SubscriptionName.of(PROJECT, subscription), true, 1000);
            if (response.getReceivedMessagesCount() == 0) {
                sleep(50);
                continue;
            }
            List<String> acks = new ArrayList<>();
            for (ReceivedMessage received : response.getReceivedMessagesList()) {
                messages.add(received.getMessage());
                acks.add(received.getAckId());
            }
            subscriptions.acknowledge(SubscriptionName.of(PROJECT, subscription), acks);
            idleSince = System.nanoTime();
        }
        return messages;
    }

    private void drain(String subscription) {
        pullAll(subscription, Duration.ofMillis(200));
    }

    private void close() {
        topics.close();
        subscriptions.close();
        channel.shutdownNow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
