package dev.eventconsumers.ordersapi;

import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.auth.BearerAuthFilter;
import dev.eventconsumers.auth.DevTokens;
import dev.eventconsumers.auth.TokenRules;
import dev.eventconsumers.auth.TokenVerifier;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.PubSubPublisher;
import dev.eventconsumers.ordersearch.OpenSearchIndex;
import dev.eventconsumers.ordersearch.OrderSearch;
import dev.eventconsumers.runtime.ServiceRoot;
import dev.eventconsumers.telemetry.Meters;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import java.util.function.Supplier;

/**
 * The API's composition root: Firestore ({@code firestore}, {@code FIRESTORE_EMULATOR_HOST}), Pub/Sub
 * ({@code pubsub}, {@code PUBSUB_EMULATOR_HOST}), token verification ({@code auth}, or dev tokens with
 * {@code auth.dev.enabled=true} on a developer's machine only), CORS origins, the search index, and every route:
 * {@code /orders} behind CORS and bearer tokens, {@code /observe} beyond health for admins only. It is the one public
 * service, so it takes no events: the outbox flush its schedule asks for runs on the private order worker.
 */
public final class OrdersApiService implements ServiceRoot {
    static final List<String> API_PATHS = List.of("/orders");
    private static final Logger LOGGER = Logger.getLogger(OrdersApiService.class.getName());

    private final Supplier<Firestore> firestore;
    private final PubSubPublisher publisher;
    private final FlushOutbox flush;
    private final Orders orders;
    private final OrderSearch search;
    private final TokenVerifier verifier;
    private final List<String> origins;

    private OrdersApiService(Config config, Clock clock) {
        this.firestore = FirestoreOrderStore.clientInBackground(config);
        this.publisher = PubSubPublisher.create(config);
        this.flush = new FlushOutbox(new FirestoreOutbox(firestore), publisher, clock);
        this.orders = new Orders(new FirestoreOrderStore(firestore), flush,
                                 config.get("outbox.topic").asString().get(), clock, new SecureRandom());
        this.search = OpenSearchIndex.fromConfigInBackground(config.get("opensearch"));
        this.verifier = verifier(config.get("auth"), clock);
        this.origins = origins(config.get("cors.allowed-origins"));
        // Listed soon after start (the default currency's series), so dashboards find them.
        Meters.registerSoon(() -> {
            Orders.created("USD");
            Orders.amounts("USD");
            Orders.retrieved();
        });
    }

    /**
     * @param config the root config ({@code application.yaml}, then the environment)
     * @return the service (its clients connect on first use)
     */
    public static OrdersApiService create(Config config) {
        return new OrdersApiService(config, Clock.systemUTC());
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(new CorsFilter(origins, API_PATHS))
                .addFilter(new BearerAuthFilter(verifier, API_PATHS))
                // Public service: its metrics and other observe pages are for admins; probes stay open.
                .addFilter(BearerAuthFilter.adminsOnly(verifier, "/observe", List.of("/observe/health")))
                .register("/orders", new OrdersService(orders, search));
    }

    @Override
    public void close() {
        publisher.close();
        try {
            firestore.get().close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** Comma-separated origins, as one value (a YAML list would not be replaced by an environment variable). */
    static List<String> origins(Config node) {
        return Arrays.stream(node.asString().get().split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    }

    /** The issuer's JWKS, or (explicitly, never in a deployment) dev tokens printed and written to a file. */
    static TokenVerifier verifier(Config auth, Clock clock) {
        if (auth.get("dev.enabled").asBoolean().get()) {
            return devVerifier(auth, clock);
        }
        String jwks = required(auth, "jwks-url");
        TokenRules rules = new TokenRules(required(auth, "issuer"), required(auth, "audience"),
                                          TokenRules.DEFAULT_ALGORITHMS, auth.get("clock-skew").as(Duration.class).get(),
                                          auth.get("customer-claim").asString().get(),
                                          auth.get("roles-claim").asString().get());
        try {
            return new TokenVerifier(TokenVerifier.remoteKeys(URI.create(jwks).toURL(),
                                                              auth.get("jwks-cache").as(Duration.class).get(),
                                                              auth.get("jwks-min-refetch").as(Duration.class).get()),
                                     rules);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("auth.jwks-url is not a URL: " + jwks, e);
        }
    }

    private static TokenVerifier devVerifier(Config auth, Clock clock) {
        DevTokens dev = DevTokens.create(System.getenv(), clock);
        String customer = auth.get("dev.customer").asString().get();
        LOGGER.warning("!!! auth.dev.enabled=true: this API accepts DEV TOKENS signed by a key made at start-up. "
                               + "Never set it in a deployment (it refuses to start where K_SERVICE or "
                               + "KUBERNETES_SERVICE_HOST is set). !!!");
        String token = dev.issue(customer, false, Duration.ofHours(12));
        String admin = dev.issue("admin", true, Duration.ofHours(12));
        System.out.println("export DEV_TOKEN=" + token + "   # customer " + customer);
        System.out.println("export DEV_ADMIN_TOKEN=" + admin + "   # admin role");
        String tokens = "export DEV_TOKEN=" + token + "\nexport DEV_ADMIN_TOKEN=" + admin + "\n";
        auth.get("dev.tokens-file").asString().filter(f -> !f.isBlank()).ifPresent(file -> {
            // Handed to whoever started the API (the local run) through a file, written whole.
            try {
                Path target = Path.of(file);
                Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
                Files.writeString(temporary, tokens);
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the dev tokens to " + file, e);
            }
        });
        return dev.verifier();
    }

    private static String required(Config auth, String key) {
        return auth.get(key).asString().filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                "auth." + key + " is not set: the API verifies every token against the issuer's keys "
                        + "(AUTH_JWKS_dash_URL, AUTH_ISSUER, AUTH_AUDIENCE), or set AUTH_DEV_ENABLED=true on a "
                        + "developer's machine"));
    }
}
