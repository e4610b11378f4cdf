package dev.eventconsumers.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Who made a request, from a verified token.
 *
 * @param subject    the token's {@code sub}
 * @param customerId the customer the caller acts as, if the token names one
 * @param admin      whether the token carries the admin role (sees and changes every customer's orders)
 * @param claims     every claim, for what else a service needs
 */
public record Caller(String subject, Optional<String> customerId, boolean admin, Map<String, Object> claims) {
    public Caller {
        claims = Map.copyOf(claims);
    }

    /**
     * @param customer a customer id
     * @return whether this caller may see and change that customer's data
     */
    public boolean mayAccess(String customer) {
        return admin || customerId.map(customer::equals).orElse(false);
    }
}
