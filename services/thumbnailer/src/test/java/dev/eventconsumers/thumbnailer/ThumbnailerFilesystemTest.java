package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The thumbnailer on the folder adapter that local runs use. */
@ServerTest
class ThumbnailerFilesystemTest extends ThumbnailerContract {
    static final Path ROOT = temporaryRoot();
    static final Buckets BUCKETS = Buckets.filesystem(ROOT);

    ThumbnailerFilesystemTest(URI uri) {
        super(uri);
    }

    static Path temporaryRoot() {
        try {
            Path root = Files.createTempDirectory("thumbnailer-buckets");
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        ThumbnailerService.create(TestConfig.of(Map.of()), BUCKETS).routing(routing);
    }

    @Override
    BlobStore store() {
        return BUCKETS.bucket(BUCKET);
    }
}
