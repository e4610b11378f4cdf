package dev.eventconsumers.ordersearch;

import dev.eventconsumers.runtime.Background;
import io.helidon.config.Config;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How to reach OpenSearch: its URL, and for a secured cluster a user with its password (sent preemptively as HTTP
 * Basic, only over TLS or to the local machine) and, for a cluster whose certificate a private CA signed, that CA's
 * PEM file, trusted beside the JVM's own trust store (the platform's CAs, which a managed domain needs nothing
 * more than).
 *
 * @param url      e.g. {@code https://search-orders.example.com} or {@code http://localhost:9200}
 * @param username the user, if the cluster asks for one
 * @param password its password (from a Secret)
 * @param caFile   a PEM file of extra CA certificates to trust
 */
public record OpenSearchConnection(String url, Optional<String> username, Optional<String> password,
                                   Optional<Path> caFile) {
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    public OpenSearchConnection {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("opensearch.url '" + url + "' is not a URL", e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("opensearch.url '" + url + "' is not an http:// or https:// URL");
        }
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("opensearch.username and opensearch.password go together");
        }
        if (password.isPresent() && "http".equals(uri.getScheme()) && !LOCAL_HOSTS.contains(uri.getHost())) {
            throw new IllegalArgumentException("opensearch.password is set for " + url + ": credentials are sent "
                                                       + "over https:// only (or to this machine)");
        }
    }

    /**
     * @param url a URL, no credentials
     * @return a plain connection (a local node, a test's)
     */
    public static OpenSearchConnection plain(String url) {
        return new OpenSearchConnection(url, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * @param config the {@code opensearch} node: {@code url}, and optionally {@code username}, {@code password},
     *               {@code ca-file} (blank counts as absent, so an environment variable can unset them)
     * @return the connection those settings describe
     */
    public static OpenSearchConnection fromConfig(Config config) {
        return new OpenSearchConnection(config.get("url").asString().get(), text(config, "username"),
                                        text(config, "password"), text(config, "ca-file").map(Path::of));
    }

    private static Optional<String> text(Config config, String key) {
        return config.get(key).asString().asOptional().filter(value -> !value.isBlank());
    }

    /** @return a client (it connects on first use) */
    public OpenSearchClient client() {
        return client(caFile.map(OpenSearchConnection::trusting));
    }

    /**
     * A client built on a background thread, started now ({@link Background}); the CA file, if any, is read now, so a
     * bad one still fails the start.
     *
     * @return the client; {@code get()} waits for it
     */
    public Supplier<OpenSearchClient> clientInBackground() {
        Optional<SSLContext> tls = caFile.map(OpenSearchConnection::trusting);
        return Background.start("opensearch-client", () -> client(tls));
    }

    private OpenSearchClient client(Optional<SSLContext> tls) {
        Optional<String> authorization = username.map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password.orElseThrow()).getBytes(StandardCharsets.UTF_8)));
        return new OpenSearchClient(new JdkHttpTransport(url, tls, authorization, new JacksonJsonpMapper()));
    }

    /** The JVM's trusted CAs plus the ones in the PEM file. */
    static SSLContext trusting(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (var manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("platform-" + n++, ca);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(pem)) {
                for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("opensearch-ca-" + n++, ca);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("opensearch.ca-file " + pem + " holds no usable CA certificate: "
                                                       + e.getMessage(), e);
        }
    }
}
