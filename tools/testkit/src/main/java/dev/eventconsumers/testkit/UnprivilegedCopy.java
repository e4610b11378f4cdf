package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Running a program as an unprivileged account from root (OpenSearch refuses root): the account must be able to reach
 * every file, and a build folder inside a private home (mode 0700, as {@code /root} is) is out of its reach. Such a
 * tree is mirrored once into a world-readable folder under the temporary directory (hard links where the file system
 * allows, else copies), and reused by every later run.
 */
final class UnprivilegedCopy {
    private UnprivilegedCopy() {
    }

    /**
     * @param user an account name ({@code nobody})
     * @return the command prefix that runs what follows as that account, without root's groups
     */
    static List<String> asUser(String user) {
        return List.of("setpriv", "--reuid=" + user, "--regid=" + group(user), "--clear-groups", "--");
    }

    /**
     * @param home a program's folder, holding {@code bin/}
     * @param user the account that will run it
     * @return {@code home} if the account can reach it, else a mirror of it that it can
     * @throws IllegalStateException when neither can be reached, saying why
     */
    static Path reachable(Path home, String user) {
        if (canReach(home, user)) {
            return home;
        }
        String tag = HexFormat.of().toHexDigits(home.toString().hashCode());
        Path mirror = Path.of(System.getProperty("java.io.tmpdir"), "event-consumers-" + home.getFileName() + "-" + tag);
        try {
            Files.createDirectories(mirror.getParent());
            try (FileChannel lockFile = FileChannel.open(mirror.resolveSibling(mirror.getFileName() + ".lock"),
                                                         StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.exists(mirror.resolve(".complete"))) {
                    copyTree(home, mirror);
                    Files.createFile(mirror.resolve(".complete"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mirror " + home + " to " + mirror + " for " + user, e);
        }
        if (!canReach(mirror, user)) {
            throw new IllegalStateException(user + " can reach neither " + home + " nor its copy " + mirror
                                                    + ": make the temporary directory world-searchable");
        }
        return mirror;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    continue;
                }
                try {
                    Files.createLink(target, source);
                } catch (FileAlreadyExistsException exists) {
                    continue;
                } catch (IOException | UnsupportedOperationException otherFileSystem) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
                boolean executable = Files.isExecutable(source);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /** @return whether the account can execute the launcher and read the libraries below {@code home} */
    static boolean canReach(Path home, String user) {
        List<String> command = new java.util.ArrayList<>(asUser(user));
        command.addAll(List.of("sh", "-c", "test -x \"$1/bin/opensearch\" && test -r \"$1/lib\" && test -x \"$1/lib\"",
                               "-", home.toString()));
        try {
            Process check = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String group(String user) {
        // Debian's nobody belongs to nogroup; elsewhere a group of the same name is the usual pairing.
        return "nobody".equals(user) && Files.exists(Path.of("/etc/group")) && readGroups().contains("\nnogroup:")
                ? "nogroup" : user;
    }

    private static String readGroups() {
        try {
            return "\n" + Files.readString(Path.of("/etc/group"));
        } catch (IOException e) {
            return "";
        }
    }
}
