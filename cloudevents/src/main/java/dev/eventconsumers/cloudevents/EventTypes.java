package dev.eventconsumers.cloudevents;

import java.util.List;

/** The exact {@code ce-type} strings of the events these services consume. */
public final class EventTypes {
    /** A Cloud Storage object was created or overwritten. */
    public static final String STORAGE_OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized";
    /** A Cloud Storage object was deleted. */
    public static final String STORAGE_OBJECT_DELETED = "google.cloud.storage.object.v1.deleted";
    /** A Cloud Storage object was archived (a noncurrent version kept). */
    public static final String STORAGE_OBJECT_ARCHIVED = "google.cloud.storage.object.v1.archived";
    /** A Cloud Storage object's metadata changed. */
    public static final String STORAGE_OBJECT_METADATA_UPDATED = "google.cloud.storage.object.v1.metadataUpdated";

    /** A Firestore document was created, updated or deleted. */
    public static final String FIRESTORE_DOCUMENT_WRITTEN = "google.cloud.firestore.document.v1.written";
    /** A Firestore document was created. */
    public static final String FIRESTORE_DOCUMENT_CREATED = "google.cloud.firestore.document.v1.created";
    /** A Firestore document was updated. */
    public static final String FIRESTORE_DOCUMENT_UPDATED = "google.cloud.firestore.document.v1.updated";
    /** A Firestore document was deleted. */
    public static final String FIRESTORE_DOCUMENT_DELETED = "google.cloud.firestore.document.v1.deleted";
    /** Suffix of the Firestore event types that also carry the principal who made the change. */
    public static final String WITH_AUTH_CONTEXT = ".withAuthContext";

    /** A message was published to a Pub/Sub topic. */
    public static final String PUBSUB_MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
    /** A Cloud Scheduler job ran. */
    public static final String SCHEDULER_JOB_EXECUTED = "google.cloud.scheduler.job.v1.executed";
    /** A Knative PingSource ticked. */
    public static final String KNATIVE_PING = "dev.knative.sources.ping";

    private EventTypes() {
    }

    /**
     * @return the four Firestore document event types, each with and without {@code .withAuthContext}
     */
    public static List<String> firestoreDocumentTypes() {
        List<String> plain = List.of(FIRESTORE_DOCUMENT_WRITTEN, FIRESTORE_DOCUMENT_CREATED,
                                     FIRESTORE_DOCUMENT_UPDATED, FIRESTORE_DOCUMENT_DELETED);
        return plain.stream().flatMap(t -> java.util.stream.Stream.of(t, t + WITH_AUTH_CONTEXT)).toList();
    }
}
