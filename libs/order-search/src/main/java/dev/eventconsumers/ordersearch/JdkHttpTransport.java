package dev.eventconsumers.ordersearch;

import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import org.opensearch.client.json.JsonpDeserializer;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.NdJsonpSerializable;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.Endpoint;
import org.opensearch.client.transport.JsonEndpoint;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportException;
import org.opensearch.client.transport.TransportOptions;
import org.opensearch.client.transport.endpoints.BooleanEndpoint;
import org.opensearch.client.transport.endpoints.BooleanResponse;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * opensearch-java's transport on the JDK's HTTP client, in place of the client's own on Apache HttpClient 5: the same
 * requests (JSON bodies, {@code _bulk} as NDJSON, the endpoint's path, parameters and headers) and the same results
 * (the endpoint's response, {@link OpenSearchException} for an error body, {@link TransportException} for anything
 * else), without HttpClient 5 and HttpCore 5 in the images (1.3 MiB, issue 18). One node, HTTP/1.1, connections
 * kept alive and reused, at most {@value #MAX_IN_FLIGHT} requests at once (more wait their turn); no retries (an
 * outage is the caller's to report).
 */
final class JdkHttpTransport implements OpenSearchTransport {
    /** Apache's transport gave up on a connect after 1 s and on a response after 30 s; the same here. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The JDK's client opens a connection per concurrent request, without a bound; this keeps one. Apache's pool held
     * 10 and queued the rest inside its I/O reactor, where a freed connection takes the next request at once; here a
     * waiting caller is parked and woken, which at 10 cost one PUT per event a quarter of its throughput at 16 callers
     * (IndexerBenchmark, plain mode). 32 is more than the indexer's bulks and an instance's concurrent searches need.
     */
    static final int MAX_IN_FLIGHT = 32;

    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT, true);

    private final HttpClient http;
    private final String base;
    private final Optional<String> authorization;
    private final JsonpMapper mapper;
    private final TransportOptions options;

    /**
     * @param url           the node, e.g. {@code https://search.example.com} (a path in it prefixes every request)
     * @param tls           the TLS context to reach it with, if not the JVM's default
     * @param authorization the {@code Authorization} header every request carries, if any
     * @param mapper        how documents and bodies become JSON and back
     */
    JdkHttpTransport(String url, Optional<SSLContext> tls, Optional<String> authorization, JsonpMapper mapper) {
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                // The client's default pool of platform threads made one PUT per event 10-30 % slower
                // (IndexerBenchmark's plain mode); on virtual threads it is as fast as Apache's transport was.
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        tls.ifPresent(http::sslContext);
        this.http = http.build();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = authorization;
        this.mapper = mapper;
        this.options = TransportOptions.builder().build();
    }

    @Override
    public <RequestT, ResponseT, ErrorT> ResponseT performRequest(RequestT request,
                                                                  Endpoint<RequestT, ResponseT, ErrorT> endpoint,
                                                                  TransportOptions requestOptions) throws IOException {
        HttpRequest httpRequest = httpRequest(request, endpoint, requestOptions);
        HttpResponse<byte[]> response;
        try {
            inFlight.acquire();
            try {
                response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
            } finally {
                inFlight.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    httpRequest.method() + " " + httpRequest.uri().getRawPath() + " interrupted");
            interrupted.initCause(e);
            throw interrupted;
        }
        return decode(response, endpoint);
    }

    /** The same request on a virtual thread of its own (nothing here calls it; the client's async API does). */
    @Override
    public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions requestOptions) {
        CompletableFuture<ResponseT> result = new CompletableFuture<>();
        Thread.ofVirtual().name("opensearch-request").start(() -> {
            try {
                result.complete(performRequest(request, endpoint, requestOptions));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return mapper;
    }

    @Override
    public TransportOptions options() {
        return options;
    }

    @Override
    public void close() {
        http.close();
    }

    private <RequestT> HttpRequest httpRequest(RequestT request, Endpoint<RequestT, ?, ?> endpoint,
                                               TransportOptions requestOptions) throws IOException {
        TransportOptions effective = requestOptions == null ? options : requestOptions;
        Map<String, String> parameters = new LinkedHashMap<>(endpoint.queryParameters(request));
        parameters.putAll(effective.queryParameters());
        StringBuilder uri = new StringBuilder(base).append(endpoint.requestUrl(request));   // the path comes encoded
        char separator = '?';
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            uri.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
            separator = '&';
        }
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(uri.toString()));
        } catch (IllegalArgumentException e) {
            throw new TransportException("not a request URI: " + uri, e);
        }
        builder.timeout(RESPONSE_TIMEOUT).header("Accept", "application/json");
        if (endpoint.hasRequestBody()) {
            builder.header("Content-Type", "application/json")
                    .method(endpoint.method(request), HttpRequest.BodyPublishers.ofByteArray(body(request)));
        } else {
            builder.method(endpoint.method(request), HttpRequest.BodyPublishers.noBody());
        }
        endpoint.headers(request).forEach(builder::header);
        for (Map.Entry<String, String> header : effective.headers()) {
            builder.header(header.getKey(), header.getValue());
        }
        authorization.ifPresent(value -> builder.header("Authorization", value));
        return builder.build();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A JSON document, or for {@code _bulk} one per line (NDJSON), as the client's own transports write them. */
    private byte[] body(Object request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        if (request instanceof NdJsonpSerializable lines) {
            writeLines(lines, out);
        } else {
            writeJson(request, out);
        }
        return out.toByteArray();
    }

    private void writeJson(Object value, ByteArrayOutputStream out) {
        JsonGenerator generator = mapper.jsonProvider().createGenerator(out);
        mapper.serialize(value, generator);
        generator.close();
    }

    private void writeLines(NdJsonpSerializable value, ByteArrayOutputStream out) {
        Iterator<?> items = value._serializables();
        while (items.hasNext()) {
            Object item = items.next();
            if (item instanceof NdJsonpSerializable nested && item != value) {
                writeLines(nested, out);
            } else {
                writeJson(item, out);
                out.write('\n');
            }
        }
    }

    private <ResponseT, ErrorT> ResponseT decode(HttpResponse<byte[]> response,
                                                 Endpoint<?, ResponseT, ErrorT> endpoint) throws IOException {
        int status = response.statusCode();
        byte[] body = response.body();
        if (endpoint.isError(status)) {
            JsonpDeserializer<ErrorT> errors = endpoint.errorDeserializer(status);
            if (errors == null || body.length == 0) {
                throw failed(response, "status " + status);
            }
            ErrorT error;
            try (JsonParser parser = mapper.jsonProvider().createParser(new ByteArrayInputStream(body))) {
                error = errors.deserialize(parser, mapper);
            } catch (RuntimeException e) {
                // Not an OpenSearch error body (a proxy's page, a security plugin's plain text).
                throw failed(response, "status " + status + ", an error body that is not OpenSearch's");
            }
            throw endpoint.<RuntimeException>exceptionConverter(status, error);
        }
        if (endpoint instanceof BooleanEndpoint<?> exists) {
            @SuppressWarnings("unchecked")
            ResponseT result = (ResponseT) new BooleanResponse(exists.getResult(status));
            return result;
        }
        if (endpoint instanceof JsonEndpoint<?, ResponseT, ?> json) {
            JsonpDeserializer<ResponseT> responses = json.responseDeserializer();
            if (responses == null) {
                return null;
            }
            if (body.length == 0) {
                throw failed(response, "status " + status + " without the body it should have");
            }
            try (JsonParser parser = mapper.jsonProvider().createParser(new ByteArrayInputStream(body))) {
                return responses.deserialize(parser, mapper);
            } catch (RuntimeException e) {
                throw new TransportException(what(response) + ": a response that does not decode: " + e.getMessage(),
                                             e);
            }
        }
        throw new TransportException("an endpoint of a kind this transport does not serve: "
                                             + endpoint.getClass().getName());
    }

    private static TransportException failed(HttpResponse<byte[]> response, String why) {
        String body = new String(response.body(), 0, Math.min(response.body().length, 300), StandardCharsets.UTF_8);
        return new TransportException(what(response) + " failed: " + why + (body.isBlank() ? "" : ": " + body.strip()));
    }

    private static String what(HttpResponse<?> response) {
        return response.request().method() + " " + response.request().uri().getRawPath();
    }
}
