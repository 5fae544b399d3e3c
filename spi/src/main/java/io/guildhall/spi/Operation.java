package io.guildhall.spi;

/** Which account operation an identity provider is asked to serve; messages differ between them. */
public enum Operation {
    AUTHENTICATE, LINK, UNLINK
}
