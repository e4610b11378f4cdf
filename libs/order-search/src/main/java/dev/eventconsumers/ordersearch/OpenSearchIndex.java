package dev.eventconsumers.ordersearch;

import dev.eventconsumers.telemetry.Tracing;
import io.helidon.config.Config;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.mapping.DynamicMapping;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code orders} index in OpenSearch, through opensearch-java: versioned writes ({@code version_type=external}) and
 * searches that leave tombstones out. The index is created on first use with an explicit mapping of the search fields,
 * {@code dynamic: false} (unmapped fields are kept, not indexed: no writer can grow the mapping) and {@code document}
 * disabled (the whole Firestore document, any value types, kept in {@code _source}).
 */
public final class OpenSearchIndex implements SearchIndex, OrderSearch {
    private final Supplier<OpenSearchClient> client;
    private final String index;
    private volatile boolean indexReady;

    /**
     * @param client the client
     * @param index  index name
     */
    public OpenSearchIndex(OpenSearchClient client, String index) {
        this(() -> client, index);
    }

    private OpenSearchIndex(Supplier<OpenSearchClient> client, String index) {
        this.client = client;
        this.index = index;
    }

    /**
     * @param config the {@code opensearch} node: {@code url}, {@code index}, and for a secured cluster
     *               {@code username}, {@code password}, {@code ca-file} ({@link OpenSearchConnection})
     * @return the index those settings name (nothing is contacted before the first request)
     */
    public static OpenSearchIndex fromConfig(Config config) {
        return new OpenSearchIndex(OpenSearchConnection.fromConfig(config).client(), config.get("index").asString().get());
    }

    /**
     * The same, for a service that searches now and then: its client is built on a background thread while the service
     * goes on starting ({@link OpenSearchConnection#clientInBackground()}), and the first request waits for it if need
     * be.
     *
     * @param config the {@code opensearch} node, as for {@link #fromConfig(Config)}
     * @return the index those settings name
     */
    public static OpenSearchIndex fromConfigInBackground(Config config) {
        return new OpenSearchIndex(OpenSearchConnection.fromConfig(config).clientInBackground(),
                                   config.get("index").asString().get());
    }

    /**
     * @param url e.g. {@code http://localhost:9200}
     * @return a client without credentials (it connects on first use)
     */
    public static OpenSearchClient client(String url) {
        return OpenSearchConnection.plain(url).client();
    }

    @Override
    public Written write(String id, long version, Map<String, Object> source) {
        return Tracing.client("opensearch index", "opensearch", () -> writeTraced(id, version, source));
    }

    private Written writeTraced(String id, long version, Map<String, Object> source) {
        ensureIndex();
        try {
            client.get().index(i -> i.index(index).id(id).version(version).versionType(VersionType.External)
                    .document(source));
            return Written.WRITTEN;
        } catch (OpenSearchException e) {
            if (e.status() == 409) {
                return Written.STALE;
            }
            throw translate(e);
        } catch (IOException e) {
            throw new SearchUnavailableException("index " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * One document of a bulk write.
     *
     * @param id      document id
     * @param version external version
     * @param source  the document
     */
    public record Document(String id, long version, Map<String, Object> source) {
    }

    /**
     * Writes many documents in one {@code _bulk} request (one durable write for all: OpenSearch answers once the
     * request is in its translog) and reports each document's own result.
     *
     * @param documents what to write, in order (two versions of one document keep theirs: the older one is stale)
     * @return per document, in the same order: {@link Written}, or the exception that document alone would have thrown
     *         ({@link DocumentRejectedException}, {@link SearchUnavailableException})
     * @throws SearchUnavailableException when the request as a whole failed (every document is affected)
     */
    public List<Object> writeAll(List<Document> documents) {
        ensureIndex();
        org.opensearch.client.opensearch.core.BulkResponse response;
        try {
            response = client.get().bulk(b -> {
                for (Document document : documents) {
                    b.operations(op -> op.index(i -> i.index(index).id(document.id()).version(document.version())
                            .versionType(VersionType.External).document(document.source())));
                }
                return b;
            });
        } catch (OpenSearchException | IOException e) {
            throw new SearchUnavailableException("bulk of " + documents.size() + " failed: " + e.getMessage(), e);
        }
        List<Object> results = new ArrayList<>(documents.size());
        for (var item : response.items()) {
            int status = item.status();
            if (status / 100 == 2) {
                results.add(Written.WRITTEN);
            } else if (status == 409) {
                results.add(Written.STALE);
            } else {
                String reason = item.error() == null ? "status " + status
                        : item.error().type() + ": " + item.error().reason();
                results.add(status == 400 ? new DocumentRejectedException(reason)
                                    : new SearchUnavailableException(status + " " + reason, null));
            }
        }
        if (results.size() != documents.size()) {
            throw new SearchUnavailableException("bulk of " + documents.size() + " answered " + results.size()
                                                         + " items", null);
        }
        return results;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Page search(OrderQuery query) {
        return Tracing.client("opensearch search", "opensearch", () -> searchTraced(query));
    }

    private Page searchTraced(OrderQuery query) {
        try {
            SearchResponse<Map> response = client.get().search(s -> s.index(index)
                    .from(query.from()).size(query.size())
                    .trackTotalHits(t -> t.enabled(true))
                    .query(q -> q.bool(b -> filters(b, query)))
                    .sort(so -> so.field(f -> f.field("createdAt").order(SortOrder.Desc)))
                    .sort(so -> so.field(f -> f.field("orderId").order(SortOrder.Asc))), Map.class);
            List<Map<String, Object>> orders = new ArrayList<>();
            for (Hit<Map> hit : response.hits().hits()) {
                orders.add((Map<String, Object>) hit.source());
            }
            return new Page(response.hits().total() == null ? orders.size() : response.hits().total().value(), orders);
        } catch (OpenSearchException e) {
            if (e.status() == 404) {
                return new Page(0, List.of());
            }
            throw translate(e);
        } catch (IOException e) {
            throw new SearchUnavailableException("search failed: " + e.getMessage(), e);
        }
    }

    private static BoolQuery.Builder filters(BoolQuery.Builder bool, OrderQuery query) {
        bool.filter(f -> f.term(t -> t.field("deleted").value(FieldValue.of(false))));
        query.customerId().ifPresent(c -> bool.filter(f -> f.term(t -> t.field("customerId").value(FieldValue.of(c)))));
        query.status().ifPresent(st -> bool.filter(f -> f.term(t -> t.field("status").value(FieldValue.of(st)))));
        query.text().ifPresent(text -> bool.must(m -> m.multiMatch(mm -> mm.query(text)
                .fields("items", "orderId", "customerId"))));
        return bool;
    }

    /** Creates the index with its mapping unless it exists; safe to race with other instances. */
    void ensureIndex() {
        if (indexReady) {
            return;
        }
        try {
            if (!client.get().indices().exists(e -> e.index(index)).value()) {
                client.get().indices().create(c -> c.index(index)
                        .settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                        // Only the search fields are mapped; anything else a writer adds stays in _source
                        // (dynamic: false), and the whole document is kept there unindexed (enabled: false).
                        .mappings(m -> m.dynamic(DynamicMapping.False)
                                .properties("document", p -> p.object(o -> o.enabled(false)))
                                .properties("orderId", p -> p.keyword(k -> k))
                                .properties("customerId", p -> p.keyword(k -> k))
                                .properties("status", p -> p.keyword(k -> k))
                                .properties("currency", p -> p.keyword(k -> k))
                                .properties("totalCents", p -> p.long_(l -> l))
                                .properties("items", p -> p.text(t -> t
                                        .fields("keyword", k -> k.keyword(kw -> kw.ignoreAbove(256)))))
                                .properties("createdAt", p -> p.date(d -> d))
                                .properties("updatedAt", p -> p.date(d -> d))
                                .properties("updateTime", p -> p.date(d -> d))
                                .properties("deleted", p -> p.boolean_(b -> b))
                                .properties("location", p -> p.geoPoint(g -> g))));
            }
            indexReady = true;
        } catch (OpenSearchException e) {
            if ("resource_already_exists_exception".equals(e.error().type())) {
                indexReady = true;
                return;
            }
            throw translate(e);
        } catch (IOException e) {
            throw new SearchUnavailableException("creating index " + index + " failed: " + e.getMessage(), e);
        }
    }

    private RuntimeException translate(OpenSearchException e) {
        if (e.status() == 400) {
            return new DocumentRejectedException(e.error().type() + ": " + e.error().reason());
        }
        return new SearchUnavailableException(e.status() + " " + e.error().type() + ": " + e.error().reason(), e);
    }
}
