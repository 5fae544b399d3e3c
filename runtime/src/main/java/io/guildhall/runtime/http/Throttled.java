package io.guildhall.runtime.http;

import io.guildhall.spi.Code;

/** Too many requests: 429 code 8 with a {@code Retry-After} header (whole seconds, at least 1). */
public final class Throttled extends HttpError {
    private final long retryAfterSec;

    public Throttled(String message, long retryAfterSec) {
        super(429, Code.RESOURCE_EXHAUSTED, message);
        this.retryAfterSec = Math.max(1, retryAfterSec);
    }

    public long retryAfterSec() {
        return retryAfterSec;
    }
}
