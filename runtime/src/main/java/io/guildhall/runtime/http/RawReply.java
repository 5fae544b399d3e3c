package io.guildhall.runtime.http;

/** A 200 answer that is not JSON built by the server: bytes sent as they are, with their content type. */
public record RawReply(String contentType, byte[] body) {
}
