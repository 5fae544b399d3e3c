package io.guildhall.spi;

import java.util.Optional;

/** What a client sent to {@code /v2/account/{authenticate,link,unlink}/{provider}}. */
public interface ProviderRequest {
    Operation operation();

    /** The account message of the body (for Steam link, the runtime passes the whole body). */
    RequestBody body();

    /** A query parameter, e.g. {@code sync}; absent when not sent. */
    Optional<String> query(String name);
}
