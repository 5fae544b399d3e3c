package io.guildhall.runtime.http;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

/** An API error whose HTTP status is not the code's usual one (routing errors, oversized bodies). */
public class HttpError extends ApiException {
    private final int status;

    public HttpError(int status, Code code, String message) {
        super(code, message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpError notFound() {
        return new HttpError(404, Code.NOT_FOUND, "Not Found");
    }

    public static HttpError methodNotAllowed() {
        return new HttpError(501, Code.UNIMPLEMENTED, "Method Not Allowed");
    }

    public static HttpError invalidBody() {
        return new HttpError(400, Code.INVALID_ARGUMENT, "Could not read the request body.");
    }

    public static HttpError tooLarge(long limit) {
        return new HttpError(413, Code.RESOURCE_EXHAUSTED, "Request body is larger than " + limit + " bytes.");
    }
}
