package dev.eventconsumers.ordersapi;

import dev.eventconsumers.auth.DevTokens;
import dev.eventconsumers.auth.TokenVerifier;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.PubSubPublisher;
import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.searchindexer.OpenSearchIndex;
import dev.eventconsumers.runtime.ServiceServer;
import com.google.cloud.firestore.Firestore;
import io.helidon.config.Config;

import java.net.MalformedURLException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Starts the API: Firestore ({@code FIRESTORE_EMULATOR_HOST} for the emulator), Pub/Sub ({@code PUBSUB_EMULATOR_HOST}),
 * token verification ({@code auth.*}, or dev tokens with {@code auth.dev.enabled=true} on a developer's machine only),
 * CORS origins, routes.
 */
public final class Main {
    private static final Logger LOGGER = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = Config.create();
        ServiceLogging.configure(config);
        String project = config.get("gcp.project").asString()
                .or(() -> Optional.ofNullable(System.getenv("GOOGLE_CLOUD_PROJECT")))
                .orElse("demo-orders");
        Duration timeout = config.get("firestore.timeout").as(Duration.class).orElse(FirestoreOrderStore.DEFAULT_TIMEOUT);
        Firestore firestore = FirestoreOrderStore.client(project, env("FIRESTORE_EMULATOR_HOST"), timeout);
        PubSubPublisher publisher = new PubSubPublisher(project, env("PUBSUB_EMULATOR_HOST"),
                                                        config.get("pubsub.timeout").as(Duration.class)
                                                                .orElse(Duration.ofSeconds(5)));
        Clock clock = Clock.systemUTC();
        FlushOutbox flush = new FlushOutbox(new FirestoreOutbox(firestore), publisher, clock);
        Orders orders = new Orders(new FirestoreOrderStore(firestore), flush,
                                   config.get("outbox.topic").asString().orElse("order-actions"), clock,
                                   new SecureRandom());
        TokenVerifier verifier = verifier(config.get("auth"), clock);
        List<String> origins = origins(config.get("cors.allowed-origins"));
        OpenSearchIndex search = new OpenSearchIndex(
                OpenSearchIndex.client(config.get("opensearch.url").asString().orElse("http://localhost:9200")),
                config.get("opensearch.index").asString().orElse("orders"));
        ServiceServer.start(config, routing -> OrdersApiRoutes.routing(routing, orders, search, flush, verifier,
                                                                       origins));
    }

    /** A YAML list, or one comma-separated value (as an environment variable gives it). */
    static List<String> origins(Config node) {
        if (node.isLeaf()) {
            return java.util.Arrays.stream(node.asString().orElse("*").split(",")).map(String::trim)
                    .filter(o -> !o.isEmpty()).toList();
        }
        return node.asList(String.class).orElse(List.of("*"));
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }

    /** The issuer's JWKS, or (explicitly, never in a deployment) dev tokens printed to the log. */
    static TokenVerifier verifier(Config auth, Clock clock) {
        if (auth.get("dev.enabled").asBoolean().orElse(false)) {
            DevTokens dev = DevTokens.create(System.getenv(), clock);
            String customer = auth.get("dev.customer").asString().orElse("cust-1");
            LOGGER.warning("!!! auth.dev.enabled=true: this API accepts DEV TOKENS signed by a key made at start-up. "
                                   + "Never set it in a deployment (it refuses to start where K_SERVICE or "
                                   + "KUBERNETES_SERVICE_HOST is set). !!!");
            System.out.println("export DEV_TOKEN=" + dev.issue(customer, false, Duration.ofHours(12))
                                       + "   # customer " + customer);
            System.out.println("export DEV_ADMIN_TOKEN=" + dev.issue("admin", true, Duration.ofHours(12))
                                       + "   # admin role");
            return dev.verifier();
        }
        String jwks = required(auth, "jwks-url");
        try {
            return new TokenVerifier(TokenVerifier.remoteKeys(URI.create(jwks).toURL(),
                                                              auth.get("jwks-cache").as(Duration.class)
                                                                      .orElse(Duration.ofMinutes(15))),
                                     required(auth, "issuer"), required(auth, "audience"),
                                     TokenVerifier.DEFAULT_ALGORITHMS,
                                     auth.get("clock-skew").as(Duration.class).orElse(Duration.ofSeconds(60)),
                                     auth.get("customer-claim").asString().orElse("customer_id"),
                                     auth.get("roles-claim").asString().orElse("roles"));
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("auth.jwks-url is not a URL: " + jwks, e);
        }
    }

    private static String required(Config auth, String key) {
        return auth.get(key).asString().filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                "auth." + key + " is not set: the API verifies every token against the issuer's keys "
                        + "(AUTH_JWKS_dash_URL, AUTH_ISSUER, AUTH_AUDIENCE), or set AUTH_DEV_ENABLED=true on a "
                        + "developer's machine"));
    }
}
