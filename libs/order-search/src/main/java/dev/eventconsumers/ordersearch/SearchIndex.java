package dev.eventconsumers.ordersearch;

import java.util.Map;

/** The port the use case writes through: one document per order, versioned externally. */
public interface SearchIndex {

    /** What became of a write. */
    enum Written {
        /** The index now holds this version. */
        WRITTEN,
        /** The index holds this version or a newer one already: nothing to do. */
        STALE
    }

    /**
     * @param id      document id
     * @param version external version; an equal or lower one than the stored version changes nothing
     * @param source  the document
     * @return written or stale
     * @throws SearchUnavailableException when the index cannot be reached or is overloaded
     * @throws DocumentRejectedException  when the index can never take this document (mapping conflict)
     */
    Written write(String id, long version, Map<String, Object> source);

    /** The index could not be reached or refused for now. */
    class SearchUnavailableException extends RuntimeException {
        /**
         * @param message what failed
         * @param cause   the client's error
         */
        public SearchUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The index refused the document for good. */
    class DocumentRejectedException extends RuntimeException {
        /**
         * @param message the index's reason
         */
        public DocumentRejectedException(String message) {
            super(message);
        }
    }
}
