package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.telemetry.Meters;
import com.google.events.cloud.storage.v1.StorageObjectData;
import dev.eventconsumers.blobstore.BlobInfo;
import dev.eventconsumers.blobstore.BlobNames;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.BlobStoreDeniedException;
import dev.eventconsumers.blobstore.BlobStoreUnavailableException;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.blobstore.ConditionFailedException;
import dev.eventconsumers.blobstore.WriteCondition;
import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.problem.Problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The use case: an object was finalized in a bucket; make its thumbnails there, once per generation.
 * <p>
 * Safe under at-least-once, unordered delivery: each thumbnail records the source generation it was made from; a
 * thumbnail is written only if absent or made from an older generation, with a store precondition so that two
 * deliveries racing cannot overwrite newer work. An event whose source was replaced or deleted is acknowledged.
 */
public final class MakeThumbnails {
    static final String ORIGINAL_KEY = "original-key";
    static final String THUMBNAIL_SIZE = "thumbnail-size";
    static final String GENERATION = "generation";
    private static final int WRITE_ATTEMPTS = 3;

    private final Buckets buckets;
    private final ThumbnailSettings settings;
    private final ThumbnailPipeline pipeline;
    private final MemoryBudget sourceBytes;

    /**
     * @param buckets  where sources and thumbnails live
     * @param settings sizes, prefixes and limits
     */
    public MakeThumbnails(Buckets buckets, ThumbnailSettings settings) {
        this.buckets = buckets;
        this.settings = settings;
        this.pipeline = new ThumbnailPipeline(settings.maxPixels(), settings.maxAspectRatio(),
                                              new MemoryBudget(settings.budgetPixels()), settings.jpegQuality(),
                                              ThumbnailPipeline.jpegDecoder(settings.jpegDecoder()));
        this.sourceBytes = new MemoryBudget(settings.budgetBytes());
        Meters.registerSoon(() -> {
            java.util.List.of("made", "skipped", "rejected", "retry").forEach(MakeThumbnails::sources);
            made();
            ThumbnailPipeline.Stages.DECODE.count();
        });
    }

    /**
     * @param object the finalized object, as the event describes it
     * @return done (written, duplicate, stale, skipped), reject (bad name, bomb, corrupt image) or retry
     * @throws InterruptedException when interrupted while waiting for decoding budget
     */
    public EventOutcome handle(StorageObjectData object) throws InterruptedException {
        EventOutcome outcome = handleObject(object);
        String result = switch (outcome) {
            case EventOutcome.Done done -> done.note().startsWith("wrote ") ? "made" : "skipped";
            case EventOutcome.Reply reply -> "made";
            case EventOutcome.Reject reject -> "rejected";
            case EventOutcome.Retry retry -> "retry";
        };
        sources(result).increment();
        return outcome;
    }

    /** @param result made, skipped (duplicates, stale events, not images), rejected, retry */
    static io.helidon.metrics.api.Counter sources(String result) {
        return Meters.counter("thumbnails.sources", "source objects handled, by result", "result", result);
    }

    static io.helidon.metrics.api.Counter made() {
        return Meters.counter("thumbnails.made", "thumbnails written");
    }

    private EventOutcome handleObject(StorageObjectData object) throws InterruptedException {
        String name = object.getName();
        if (name.endsWith("/") && BlobNames.problem(name.substring(0, name.length() - 1)) == null) {
            // The Cloud Console's "create folder" writes an empty object named like a folder: nothing to do.
            return EventOutcome.done("skipped: " + name + " is a folder placeholder");
        }
        String unsafe = BlobNames.problem(name);
        if (unsafe != null) {
            return EventOutcome.reject("object name " + BlobNames.printable(name) + " " + unsafe,
                                       List.of(new Problem.FieldError("/name", unsafe)));
        }
        if (name.startsWith(settings.outputPrefix())) {
            return EventOutcome.done("skipped: " + name + " is a thumbnail");
        }
        if (!name.startsWith(settings.sourcePrefix())) {
            return EventOutcome.done("skipped: " + name + " is outside " + settings.sourcePrefix());
        }
        BlobStore store;
        try {
            store = buckets.bucket(object.getBucket());
        } catch (IllegalArgumentException e) {
            return EventOutcome.reject(e.getMessage(), List.of(new Problem.FieldError("/bucket", e.getMessage())));
        }
        for (String target : names(name)) {
            String refused = store.problem(target);
            if (refused != null) {
                // A source name near the limit can leave no room for the thumbnail's: it can never be written.
                return EventOutcome.reject("object " + BlobNames.printable(name) + " cannot have its thumbnails: "
                        + BlobNames.printable(target) + " " + refused, List.of(new Problem.FieldError("/name", refused)));
            }
        }
        try {
            return thumbnail(store, name, object.getGeneration());
        } catch (BlobStoreUnavailableException e) {
            return EventOutcome.retry("storage unavailable: " + e.getMessage());
        } catch (BlobStoreDeniedException e) {
            // Retrying cannot help until the deployment changes: kept as a dead letter to replay after the fix.
            return EventOutcome.reject("storage refuses this service: " + e.getMessage(),
                                       List.of(new Problem.FieldError("/bucket", "access refused")));
        }
    }

    /** @return the source and every thumbnail name it makes */
    private List<String> names(String source) {
        List<String> names = new java.util.ArrayList<>(List.of(source));
        settings.sizes().forEach(box -> names.add(settings.thumbnailName(box, source)));
        return names;
    }

    @SuppressWarnings("try") // the lease is held for its scope, never read
    private EventOutcome thumbnail(BlobStore store, String name, long generation) throws InterruptedException {
        Optional<BlobInfo> source = store.stat(name);
        if (source.isEmpty()) {
            return EventOutcome.done("source " + name + " no longer exists");
        }
        if (source.get().generation().isPresent() && source.get().generation().getAsLong() > generation) {
            return EventOutcome.done("stale event: generation " + generation + " of " + name + " was replaced by "
                                             + source.get().generation().getAsLong());
        }
        if (source.get().size() > settings.maxBytes()) {
            return EventOutcome.done("skipped: " + name + " has " + source.get().size() + " bytes, more than "
                                             + settings.maxBytes());
        }
        Map<Size, Optional<BlobInfo>> pending = new LinkedHashMap<>();
        for (Size box : settings.sizes()) {
            Optional<BlobInfo> existing = store.stat(settings.thumbnailName(box, name));
            if (existing.isEmpty() || madeFrom(existing.get()) < generation) {
                pending.put(box, existing);
            }
        }
        if (pending.isEmpty()) {
            return EventOutcome.done("duplicate: thumbnails of generation " + generation + " exist");
        }
        ThumbnailPipeline.Result result;
        // The source's bytes are held through the render: they take their share of the budget first (pixels second).
        try (MemoryBudget.Lease held = sourceBytes.acquire(source.get().size())) {
            // Read exactly the event's generation where the store has generations, so a concurrent replace of the
            // source cannot slip newer pixels under an older generation's metadata.
            Optional<byte[]> bytes = source.get().generation().isPresent() ? store.read(name, generation)
                    : store.read(name);
            if (bytes.isEmpty()) {
                return EventOutcome.done("generation " + generation + " of " + name + " was replaced or deleted");
            }
            result = pipeline.render(bytes.get(), List.copyOf(pending.keySet()));
        }
        return switch (result) {
            case ThumbnailPipeline.Unsupported unsupported ->
                    EventOutcome.done("skipped: " + name + " is no image format this service reads");
            case ThumbnailPipeline.TooLarge tooLarge -> EventOutcome.reject(
                    name + " declares " + tooLarge.source() + " pixels (" + tooLarge.source().pixels()
                            + "), more than the limit of " + tooLarge.limit(),
                    List.of(new Problem.FieldError("/name", "image too large to decode")));
            case ThumbnailPipeline.Elongated elongated -> EventOutcome.reject(
                    name + " is " + elongated.source() + ": its longer side is more than " + elongated.limit()
                            + " times its shorter", List.of(new Problem.FieldError("/name", "image too elongated")));
            case ThumbnailPipeline.Corrupt corrupt -> EventOutcome.reject(
                    name + " is a corrupt or truncated " + corrupt.format() + " image: " + corrupt.reason(),
                    List.of(new Problem.FieldError("/name", "corrupt image")));
            case ThumbnailPipeline.Rendered rendered -> {
                int written = 0;
                for (Map.Entry<Size, ThumbnailPipeline.Thumbnail> thumbnail : rendered.thumbnails().entrySet()) {
                    written += write(store, name, generation, thumbnail.getKey(), thumbnail.getValue(),
                                     pending.get(thumbnail.getKey())) ? 1 : 0;
                }
                made().increment(written);
                yield EventOutcome.done("wrote " + written + " thumbnails of " + name + " (" + rendered.format() + " "
                                                + rendered.source() + ", generation " + generation + ")");
            }
        };
    }

    /** @return whether this delivery wrote the thumbnail (false: an equal or newer one got there first) */
    private boolean write(BlobStore store, String source, long generation, Size box,
                          ThumbnailPipeline.Thumbnail thumbnail, Optional<BlobInfo> seen) {
        String name = settings.thumbnailName(box, source);
        Map<String, String> metadata = Map.of(ORIGINAL_KEY, source, THUMBNAIL_SIZE, box.toString(),
                                              GENERATION, Long.toString(generation));
        for (int attempt = 1; ; attempt++) {
            WriteCondition condition = seen.map(WriteCondition::ifUnchanged).orElse(WriteCondition.ifAbsent());
            try {
                store.write(name, thumbnail.jpeg(), "image/jpeg", metadata, condition);
                return true;
            } catch (ConditionFailedException raced) {
                seen = store.stat(name);
                if (seen.isPresent() && madeFrom(seen.get()) >= generation) {
                    return false;
                }
                if (attempt == WRITE_ATTEMPTS) {
                    throw new BlobStoreUnavailableException("thumbnail " + name + " kept changing while written", raced);
                }
            }
        }
    }

    private static long madeFrom(BlobInfo thumbnail) {
        try {
            return Long.parseLong(thumbnail.metadata().getOrDefault(GENERATION, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
