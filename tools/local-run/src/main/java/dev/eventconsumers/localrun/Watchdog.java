package dev.eventconsumers.localrun;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Stops what the local run started when the local run itself is killed outright (SIGKILL, a crash), which no shutdown
 * hook sees: a small shell process, told the pid of every child, that waits for its standard input to close. It
 * closes when this JVM exits, however it exits; then the watchdog stops each child with everything it forked (SIGTERM,
 * SIGKILL after 10 s). A normal stop stops the children first and tells the watchdog it is done.
 */
final class Watchdog implements AutoCloseable {
    private static final String SCRIPT = """
            trap '' INT
            pids=""
            while IFS= read -r line; do
              [ "$line" = done ] && exit 0
              pids="$pids $line"
            done
            tree() { for child in $(pgrep -P "$1"); do tree "$child"; done; echo "$1"; }
            all=""
            for pid in $pids; do all="$all $(tree "$pid")"; done
            kill -TERM $all 2>/dev/null
            for _ in $(seq 1 100); do
              alive=""
              for pid in $all; do kill -0 "$pid" 2>/dev/null && alive=1; done
              [ -z "$alive" ] && exit 0
              sleep 0.1
            done
            kill -KILL $all 2>/dev/null
            """;

    private final Process process;
    private final OutputStream pids;

    private Watchdog(Process process) {
        this.process = process;
        this.pids = process.getOutputStream();
    }

    /** @return a watchdog for this JVM's children */
    static Watchdog start() {
        try {
            return new Watchdog(new ProcessBuilder("bash", "-c", SCRIPT)
                                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local run's watchdog (bash)", e);
        }
    }

    /** @param pid a child to stop (with its descendants) should this JVM end without stopping it */
    synchronized void watch(long pid) {
        try {
            pids.write((pid + "\n").getBytes(StandardCharsets.US_ASCII));
            pids.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the local run's watchdog is gone", e);
        }
    }

    /** Everything was stopped in order: the watchdog has nothing left to do. */
    @Override
    public synchronized void close() {
        try {
            pids.write("done\n".getBytes(StandardCharsets.US_ASCII));
            pids.close();
        } catch (IOException gone) {
            // it has ended already
        }
        process.destroy();
    }
}
