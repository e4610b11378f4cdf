package dev.eventconsumers.ordersapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.auth.BearerAuthFilter;
import dev.eventconsumers.auth.Caller;
import dev.eventconsumers.orders.OrderStore;
import dev.eventconsumers.problem.Problem;
import dev.eventconsumers.ordersearch.OrderQuery;
import dev.eventconsumers.ordersearch.OrderSearch;
import dev.eventconsumers.ordersearch.SearchIndex;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /orders}: create, read, change, delete and list, as JSON with problem+json errors. Versions travel as
 * strong ETags; {@code If-Match} makes a change conditional; {@code Idempotency-Key} makes a create repeatable.
 */
final class OrdersService implements HttpService {
    static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    static final HeaderName IDEMPOTENT_REPLAYED = HeaderNames.create("Idempotent-Replayed");
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final Logger LOGGER = Logger.getLogger(OrdersService.class.getName());

    private final Orders orders;
    private final OrderSearch search;

    OrdersService(Orders orders, OrderSearch search) {
        this.orders = orders;
        this.search = search;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", (req, res) -> answer(req, res, this::create))
                .get("/", (req, res) -> answer(req, res, this::list))
                .get("/search", (req, res) -> answer(req, res, this::search))
                .get("/{id}", (req, res) -> answer(req, res, this::read))
                .patch("/{id}", (req, res) -> answer(req, res, this::change))
                .delete("/{id}", (req, res) -> answer(req, res, this::delete));
    }

    private interface Handler {
        void handle(Caller caller, ServerRequest req, ServerResponse res);
    }

    private void create(Caller caller, ServerRequest req, ServerResponse res) {
        OrderJson.NewOrder request = OrderJson.newOrder(jsonBody(req));
        Optional<String> key = req.headers().first(IDEMPOTENCY_KEY);
        if (key.isPresent() && !key.get().matches("[\\x21-\\x7e]{1,255}")) {
            throw new OrderJson.InvalidRequestException("the Idempotency-Key is not valid", List.of(
                    new Problem.FieldError("Idempotency-Key", "must be 1 to 255 visible ASCII characters")));
        }
        OrderStore.Created created = orders.place(caller, request, key);
        res.status(201);
        res.header(HeaderNames.LOCATION, "/orders/" + created.order().order().orderId());
        if (created.replayed()) {
            res.header(IDEMPOTENT_REPLAYED, "true");
        }
        sendOrder(res, created.order());
    }

    private void read(Caller caller, ServerRequest req, ServerResponse res) {
        sendOrder(res, orders.get(caller, req.path().pathParameters().get("id")));
    }

    private void change(Caller caller, ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        OptionalLong ifMatch = ifMatch(req);
        OrderJson.OrderPatch patch = OrderJson.patch(jsonBody(req));
        sendOrder(res, orders.change(caller, id, patch, ifMatch));
    }

    private void delete(Caller caller, ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!orders.delete(caller, id)) {
            throw new Orders.NotFoundException(id);
        }
        res.status(204).send();
    }

    private void list(Caller caller, ServerRequest req, ServerResponse res) {
        Optional<String> customer = req.query().first("customer_id").asOptional();
        Optional<String> token = req.query().first("page_token").asOptional().filter(t -> !t.isEmpty());
        int limit = DEFAULT_LIMIT;
        Optional<String> limitText = req.query().first("limit").asOptional();
        if (limitText.isPresent()) {
            try {
                limit = Integer.parseInt(limitText.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new OrderJson.InvalidRequestException("limit is not valid", List.of(
                        new Problem.FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT)));
            }
        }
        OrderStore.Page page;
        try {
            page = orders.list(caller, customer, limit, token);
        } catch (IllegalArgumentException e) {
            throw new OrderJson.InvalidRequestException("page_token is not valid", List.of(
                    new Problem.FieldError("page_token", "is not a token this service made")));
        }
        ObjectNode json = OrderJson.MAPPER.createObjectNode();
        ArrayNode list = json.putArray("orders");
        page.orders().forEach(order -> list.add(OrderJson.order(order)));
        page.nextToken().ifPresent(next -> json.put("next_page_token", next));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Full text on items and ids over the OpenSearch index, the caller's customer only unless it is an admin. */
    private void search(Caller caller, ServerRequest req, ServerResponse res) {
        Optional<String> customer = req.query().first("customer_id").asOptional().filter(c -> !c.isBlank())
                .or(() -> caller.admin() ? Optional.empty() : caller.customerId());
        if (customer.isEmpty() && !caller.admin()) {
            throw new Orders.ForbiddenException("the token names no customer");
        }
        if (customer.isPresent() && !caller.mayAccess(customer.get())) {
            throw new Orders.ForbiddenException("the token does not act for customer " + customer.get());
        }
        int from = intParameter(req, "from", 0);
        int size = intParameter(req, "size", DEFAULT_LIMIT);
        OrderQuery query;
        try {
            query = new OrderQuery(req.query().first("q").asOptional(), customer,
                                   req.query().first("status").asOptional(), from, size);
        } catch (IllegalArgumentException e) {
            throw new OrderJson.InvalidRequestException("the search is not valid", List.of(
                    new Problem.FieldError(e.getMessage().startsWith("size") ? "size" : "from", e.getMessage())));
        }
        OrderSearch.Page page;
        try {
            page = search.search(query);
        } catch (SearchIndex.SearchUnavailableException e) {
            throw new SearchUnavailable(e.getMessage());
        }
        ObjectNode json = OrderJson.MAPPER.createObjectNode();
        json.put("total", page.total());
        ArrayNode list = json.putArray("orders");
        for (java.util.Map<String, Object> hit : page.orders()) {
            ObjectNode order = list.addObject();
            order.put("order_id", String.valueOf(hit.get("orderId")));
            order.put("customer_id", String.valueOf(hit.get("customerId")));
            if (hit.get("totalCents") instanceof Number cents) {
                order.put("total_amount", dev.eventconsumers.orders.Money.amount(cents.longValue()));
            }
            order.put("status", String.valueOf(hit.get("status")));
            order.set("items", OrderJson.MAPPER.valueToTree(hit.getOrDefault("items", List.of())));
            order.put("created_at", String.valueOf(hit.get("createdAt")));
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int intParameter(ServerRequest req, String name, int otherwise) {
        Optional<String> text = req.query().first(name).asOptional();
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new OrderJson.InvalidRequestException(name + " is not valid", List.of(
                    new Problem.FieldError(name, "must be an integer")));
        }
    }

    private static final class SearchUnavailable extends RuntimeException {
        SearchUnavailable(String message) {
            super(message);
        }
    }

    private static void sendOrder(ServerResponse res, OrderStore.Versioned versioned) {
        res.header(HeaderNames.ETAG, "\"" + versioned.version() + "\"");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(OrderJson.order(versioned.order()).toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] jsonBody(ServerRequest req) {
        Optional<HttpMediaType> type = req.headers().contentType();
        if (type.isEmpty() || !(type.get().subtype().equals("json") || type.get().subtype().endsWith("+json"))) {
            throw new UnsupportedTypeException();
        }
        return req.content().as(byte[].class);
    }

    /** {@code If-Match}: a strong tag this service made, or {@code *} (any current version). */
    private static OptionalLong ifMatch(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.IF_MATCH).map(String::trim);
        if (header.isEmpty() || header.get().equals("*")) {
            return OptionalLong.empty();
        }
        String tag = header.get();
        if (tag.length() > 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            try {
                return OptionalLong.of(Long.parseLong(tag.substring(1, tag.length() - 1)));
            } catch (NumberFormatException e) {
                // not a tag of ours: matches no version
            }
        }
        // Weak or foreign tags never match a strong comparison.
        return OptionalLong.of(-1);
    }

    private static final class UnsupportedTypeException extends RuntimeException {
        UnsupportedTypeException() {
            super("the body must be application/json");
        }
    }

    private static void answer(ServerRequest req, ServerResponse res, Handler handler) {
        Caller caller = BearerAuthFilter.caller(req).orElseThrow(() -> new IllegalStateException(
                "the bearer filter must run before /orders"));
        Problem problem;
        try {
            handler.handle(caller, req, res);
            return;
        } catch (OrderJson.InvalidRequestException e) {
            problem = Problem.of("invalid-request", "Bad Request", 400, e.getMessage()).withErrors(e.errors());
        } catch (UnsupportedTypeException e) {
            problem = Problem.of("unsupported-media-type", "Unsupported Media Type", 415, e.getMessage());
        } catch (Orders.ForbiddenException e) {
            problem = Problem.of(e.slug(), "Forbidden", 403, e.getMessage());
        } catch (Orders.NotFoundException e) {
            problem = Problem.of("order-not-found", "Not Found", 404, e.getMessage());
        } catch (Orders.ConflictException e) {
            problem = Problem.of(e.slug(), "Conflict", 409, e.getMessage());
        } catch (Orders.StaleVersionException e) {
            problem = Problem.of("stale-version", "Precondition Failed", 412, e.getMessage()
                    + "; read it again and send its ETag");
        } catch (OrderStore.IdempotencyConflictException e) {
            problem = Problem.of("idempotency-key-reused", "Unprocessable Content", 422, e.getMessage());
        } catch (OrderStore.ConcurrentChangeException e) {
            problem = Problem.of("concurrent-change", "Conflict", 409, e.getMessage() + "; try again");
        } catch (SearchUnavailable e) {
            LOGGER.log(Level.WARNING, "OpenSearch unavailable: " + e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, "1");
            problem = Problem.of("search-unavailable", "Service Unavailable", 503,
                                 "the search index cannot be reached; try again");
        } catch (OrderStore.StoreUnavailableException e) {
            LOGGER.log(Level.WARNING, "Firestore unavailable: " + e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, "1");
            problem = Problem.of("store-unavailable", "Service Unavailable", 503,
                                 "the order store cannot be reached; try again (a create with the same Idempotency-Key)");
        }
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        res.send(problem.toJson());
    }
}
