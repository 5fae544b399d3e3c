package io.guildhall.spi;

/**
 * A failure the client should see: a gRPC code and a message, answered as
 * {@code {"code": N, "message": "..."}}. Expected control flow, so it carries no stack trace.
 */
public class ApiException extends RuntimeException {
    private final Code code;

    public ApiException(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public static ApiException invalid(String message) {
        return new ApiException(Code.INVALID_ARGUMENT, message);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(Code.UNAUTHENTICATED, message);
    }
}
