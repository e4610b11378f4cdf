package dev.eventconsumers.deploycheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What {@code gcp/setup.sh --dry-run} would run: every gcloud command, as words. The setup script is the one place the
 * Google Cloud side is written down (cloudbuild.yaml calls it), so the checks read its commands rather than a copy.
 */
final class GcpSetup {
    static final String PROJECT = "demo-project";
    static final String REGION = "europe-west1";

    private GcpSetup() {
    }

    /** One command: its words, unquoted. */
    record Command(List<String> words) {
        /** @return whether it starts with these words */
        boolean is(String... prefix) {
            if (words.size() < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (!words.get(i).equals(prefix[i])) {
                    return false;
                }
            }
            return true;
        }

        /** @return the word after the given prefix (the resource a command acts on) */
        String target(int prefixLength) {
            return words.get(prefixLength);
        }

        /** @return every value of {@code --name=value} */
        List<String> flags(String name) {
            return words.stream().filter(w -> w.startsWith("--" + name + "=")).map(w -> w.substring(name.length() + 3))
                    .toList();
        }

        /** @return the value of {@code --name=value}, if given */
        Optional<String> flag(String name) {
            return flags(name).stream().findFirst();
        }

        /** @return whether {@code --name} is given as a switch */
        boolean has(String name) {
            return words.contains("--" + name);
        }

        @Override
        public String toString() {
            return String.join(" ", words);
        }
    }

    /**
     * @param arguments options and steps after {@code --dry-run --project demo-project --region europe-west1}
     * @return the commands it prints
     */
    static List<Command> dryRun(String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", "gcp/setup.sh", "--dry-run", "--project", PROJECT,
                                                       "--region", REGION));
        command.addAll(List.of(arguments));
        try {
            Process bash = new ProcessBuilder(command).directory(Repository.ROOT.toFile()).start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(bash.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!bash.waitFor(60, TimeUnit.SECONDS) || bash.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + err);
            }
            return out.lines().filter(line -> !line.isBlank()).map(GcpSetup::words).map(Command::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Splits a line bash's {@code printf %q} quoted: words apart at unescaped spaces, backslashes escape. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                any = true;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                word.append(line, i + 1, end);
                i = end;
                any = true;
            } else if (c == ' ') {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }
}
