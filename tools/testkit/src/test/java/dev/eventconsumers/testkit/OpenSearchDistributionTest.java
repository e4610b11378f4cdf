package dev.eventconsumers.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which OpenSearch a test runs: its own checkout's, not the one the installed test kit jar recorded. */
class OpenSearchDistributionTest {
    private static final String UNPACKED = "tools/testkit/target/opensearch/opensearch-2.19.3";

    @TempDir
    Path root;

    @Test
    void theCheckoutTheTestsRunInWinsOverARecordedOneThatIsGone() throws IOException {
        Path checkout = root.resolve("main");
        Path home = unpack(checkout, true);
        Path module = Files.createDirectories(checkout.resolve("libs/order-search"));
        Path gone = root.resolve("ci7").resolve(UNPACKED);

        assertEquals(home, OpenSearchServer.distribution(module, gone));
        assertEquals(home, OpenSearchServer.distribution(checkout, gone));
    }

    @Test
    void theRecordedOneWhenTheCheckoutHasNotUnpackedItsOwn() throws IOException {
        Path recorded = unpack(root.resolve("elsewhere"), true);
        Path module = Files.createDirectories(root.resolve("main/libs/order-search"));

        assertEquals(recorded, OpenSearchServer.distribution(module, recorded));
    }

    @Test
    void aFolderWithoutTheLauncherIsNotADistribution() throws IOException {
        Path checkout = root.resolve("main");
        unpack(checkout, false);
        Path recorded = root.resolve("elsewhere").resolve(UNPACKED);

        assertEquals(recorded, OpenSearchServer.distribution(checkout.resolve("libs"), recorded));
    }

    private static Path unpack(Path checkout, boolean executable) throws IOException {
        Path home = checkout.resolve(UNPACKED);
        Path launcher = Files.createDirectories(home.resolve("bin")).resolve("opensearch");
        Files.writeString(launcher, "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return home;
    }
}
