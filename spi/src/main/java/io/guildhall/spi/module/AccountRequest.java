package io.guildhall.spi.module;

/** An operation on the caller's own account (get, delete). */
public record AccountRequest(String userId) {
}
