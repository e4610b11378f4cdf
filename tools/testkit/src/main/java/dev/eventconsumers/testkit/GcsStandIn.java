package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The build's stand-in for the Cloud Storage JSON API ({@code tools/container-images/gcs-stand-in}, in memory, over
 * HTTP on a free loopback port), for the few tests that need Google's Storage client on its real transport: what the
 * client itself costs or breaks (its buffers, its class path), which Google's in-process helper, which skips the
 * transport, cannot show. A stand-in, not Cloud Storage: the store's semantics are tested against Google's helper.
 * Stopped by {@link #close()}; where there is no {@code python3}, the calling test fails with the reason.
 */
public final class GcsStandIn implements AutoCloseable {
    private final Process process;
    private final Path portFile;
    private final String endpoint;

    private GcsStandIn(Process process, Path portFile, String endpoint) {
        this.process = process;
        this.portFile = portFile;
        this.endpoint = endpoint;
    }

    /** @return a running stand-in with no objects, answering */
    public static GcsStandIn start() {
        try {
            Path portFile = Files.createTempFile("gcs-stand-in", ".port");
            Files.delete(portFile);
            Process process = new ProcessBuilder("python3", script().toString(), portFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(portFile)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the Cloud Storage stand-in did not start (exit "
                                                            + (process.isAlive() ? "none" : process.exitValue()) + ")");
                }
                Thread.sleep(20);
            }
            return new GcsStandIn(process, portFile, "http://127.0.0.1:" + Files.readString(portFile).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start python3 " + script(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return {@code http://127.0.0.1:PORT}, what {@code STORAGE_EMULATOR_HOST} (or {@code blobstore.emulator}) would
     *         name for the services' own client
     */
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(portFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a temporary file left behind
        }
    }

    private static Path script() {
        return RepositoryPath.find("tools/container-images/gcs-stand-in");
    }
}
