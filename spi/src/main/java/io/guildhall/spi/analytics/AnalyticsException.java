package io.guildhall.spi.analytics;

/**
 * The analytics service refused a call or could not be reached in time. {@code status} is the
 * HTTP status for a remote service (0 when none came back).
 */
public class AnalyticsException extends RuntimeException {
    private final int status;

    public AnalyticsException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public AnalyticsException(String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = 0;
    }

    public int status() {
        return status;
    }
}
