package dev.eventconsumers.ordersapi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.orders.Money;
import dev.eventconsumers.orders.Order;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.orders.Sku;
import dev.eventconsumers.problem.Problem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API's JSON, with the reference's snake_case names: requests are read and checked field by field (every failing
 * field is reported, unknown fields are errors, amounts are read as exact decimals and stored as cents) and orders
 * are written back.
 */
final class OrderJson {
    static final int MAX_CUSTOMER_ID = 50;
    static final int MAX_ITEMS = 100;
    private static final Set<String> CREATE_FIELDS = Set.of("customer_id", "total_amount", "items", "currency",
                                                            "customer_email");
    private static final Set<String> PATCH_FIELDS = Set.of("status", "total_amount", "items");
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private OrderJson() {
    }

    /**
     * @param customerId whose order
     * @param totalCents exact total
     * @param currency   ISO 4217 code
     * @param items      what is ordered
     * @param customerEmail where the worker sends the confirmation (passed on with the action, not stored)
     */
    record NewOrder(String customerId, long totalCents, String currency, List<String> items,
                    Optional<String> customerEmail) {
        /** @return a stable text of what was asked, for idempotency keys */
        String canonical() {
            return customerId + "\n" + totalCents + "\n" + currency + "\n" + String.join("\u0000", items) + "\n"
                    + customerEmail.orElse("");
        }
    }

    /**
     * @param status     the status wanted, if any
     * @param totalCents a new total, if any
     * @param items      new items, if any
     */
    record OrderPatch(Optional<OrderStatus> status, Optional<Long> totalCents, Optional<List<String>> items) {
        boolean editsContent() {
            return totalCents.isPresent() || items.isPresent();
        }
    }

    /** The request body is not what the API accepts; every failing field is listed. */
    static final class InvalidRequestException extends RuntimeException {
        private final transient List<Problem.FieldError> errors;

        InvalidRequestException(String message, List<Problem.FieldError> errors) {
            super(message);
            this.errors = List.copyOf(errors);
        }

        List<Problem.FieldError> errors() {
            return errors;
        }
    }

    static NewOrder newOrder(byte[] body) {
        ObjectNode json = object(body);
        List<Problem.FieldError> errors = new ArrayList<>();
        unknownFields(json, CREATE_FIELDS, errors);
        String customer = customerId(json.get("customer_id"), errors);
        Long cents = amount(json.get("total_amount"), true, errors);
        List<String> items = items(json.get("items"), true, errors);
        String currency = "USD";
        JsonNode currencyNode = json.get("currency");
        if (currencyNode != null) {
            if (!currencyNode.isTextual() || !Money.isCurrency(currencyNode.asText())) {
                errors.add(new Problem.FieldError("currency", "must be an ISO 4217 code such as USD"));
            } else {
                currency = currencyNode.asText();
            }
        }
        if (cents != null && errors.stream().noneMatch(e -> e.name().equals("currency"))) {
            try {
                Money.requireMinorUnits(cents, currency);
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("total_amount", e.getMessage()));
            }
        }
        Optional<String> email = Optional.empty();
        JsonNode emailNode = json.get("customer_email");
        if (emailNode != null) {
            if (!emailNode.isTextual() || emailNode.asText().length() > 254
                    || !emailNode.asText().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                errors.add(new Problem.FieldError("customer_email", "must be an e-mail address"));
            } else {
                email = Optional.of(emailNode.asText());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException("the order is not valid", errors);
        }
        return new NewOrder(customer, cents, currency, items, email);
    }

    static OrderPatch patch(byte[] body) {
        ObjectNode json = object(body);
        List<Problem.FieldError> errors = new ArrayList<>();
        unknownFields(json, PATCH_FIELDS, errors);
        Optional<OrderStatus> status = Optional.empty();
        JsonNode statusNode = json.get("status");
        if (statusNode != null) {
            try {
                status = Optional.of(OrderStatus.valueOf(statusNode.isTextual() ? statusNode.asText() : "?"));
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("status", "must be one of "
                        + Arrays.toString(OrderStatus.values())));
            }
        }
        Optional<Long> cents = Optional.ofNullable(amount(json.get("total_amount"), false, errors));
        Optional<List<String>> items = Optional.ofNullable(items(json.get("items"), false, errors));
        if (errors.isEmpty() && status.isEmpty() && cents.isEmpty() && items.isEmpty()) {
            errors.add(new Problem.FieldError("body", "names nothing to change: status, total_amount or items"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException("the change is not valid", errors);
        }
        return new OrderPatch(status, cents, items);
    }

    private static ObjectNode object(byte[] body) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the body is not JSON", List.of(new Problem.FieldError(
                    "body", "is not valid JSON: " + e.getOriginalMessage())));
        } catch (NumberFormatException e) {
            // Jackson throws this bare for a number no BigDecimal holds, such as 0e-2147483648.
            throw new InvalidRequestException("the body holds a number out of range", List.of(new Problem.FieldError(
                    "body", "holds a number out of range: " + e.getMessage())));
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("the body could not be read", List.of());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidRequestException("the body must be a JSON object",
                                              List.of(new Problem.FieldError("body", "must be a JSON object")));
        }
        return (ObjectNode) json;
    }

    private static void unknownFields(ObjectNode json, Set<String> allowed, List<Problem.FieldError> errors) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                errors.add(new Problem.FieldError(name, "is not a field of this request"));
            }
        }
    }

    private static String customerId(JsonNode node, List<Problem.FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new Problem.FieldError("customer_id", "is required"));
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_CUSTOMER_ID) {
            errors.add(new Problem.FieldError("customer_id", "must be a string of 1 to " + MAX_CUSTOMER_ID
                    + " characters, not blank"));
            return null;
        }
        return node.asText();
    }

    private static Long amount(JsonNode node, boolean required, List<Problem.FieldError> errors) {
        if (node == null) {
            if (required) {
                errors.add(new Problem.FieldError("total_amount", "is required"));
            }
            return null;
        }
        if (!node.isNumber()) {
            errors.add(new Problem.FieldError("total_amount", "must be a number, e.g. 49.99"));
            return null;
        }
        try {
            return Money.cents(node.decimalValue());
        } catch (IllegalArgumentException | ArithmeticException e) {
            errors.add(new Problem.FieldError("total_amount", e.getMessage()));
            return null;
        }
    }

    private static List<String> items(JsonNode node, boolean required, List<Problem.FieldError> errors) {
        if (node == null) {
            if (required) {
                errors.add(new Problem.FieldError("items", "is required"));
            }
            return null;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_ITEMS) {
            errors.add(new Problem.FieldError("items", "must be an array of 1 to " + MAX_ITEMS + " items"));
            return null;
        }
        List<String> items = new ArrayList<>();
        int before = errors.size();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || !Sku.valid(item.asText())) {
                errors.add(new Problem.FieldError("items[" + i + "]", "must be a SKU: " + Sku.RULE));
            } else {
                items.add(item.asText());
            }
        }
        return errors.size() == before ? items : null;
    }

    static ObjectNode order(Order order) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("order_id", order.orderId());
        json.put("customer_id", order.customerId());
        json.put("total_amount", Money.amount(order.totalCents(), order.currency()));
        json.put("currency", order.currency());
        ArrayNode items = json.putArray("items");
        order.items().forEach(items::add);
        json.put("status", order.status().name());
        json.put("created_at", order.createdAt().toString());
        json.put("updated_at", order.updatedAt().toString());
        return json;
    }
}
