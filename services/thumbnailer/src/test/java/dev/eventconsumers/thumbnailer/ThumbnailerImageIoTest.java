package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The whole contract on the ImageIO JPEG decoder (the one a machine without libturbojpeg uses), so both decoders meet
 * it: {@link ThumbnailerFilesystemTest} runs it on the default, libjpeg-turbo where it is installed.
 */
@ServerTest
class ThumbnailerImageIoTest extends ThumbnailerContract {
    static final Path ROOT = ThumbnailerFilesystemTest.temporaryRoot();
    static final Buckets BUCKETS = Buckets.filesystem(ROOT);

    ThumbnailerImageIoTest(URI uri) {
        super(uri);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        ThumbnailerService.create(TestConfig.of(Map.of("thumbnailer.jpeg.decoder", "imageio")), BUCKETS)
                .routing(routing);
    }

    @Override
    BlobStore store() {
        return BUCKETS.bucket(BUCKET);
    }
}
