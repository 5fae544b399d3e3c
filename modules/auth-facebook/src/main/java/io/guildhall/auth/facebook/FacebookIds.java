package io.guildhall.auth.facebook;

import io.guildhall.spi.Identifiers;

/** What a Facebook user id must look like before it is stored (Facebook's are decimal digits). */
final class FacebookIds {
    private static final int MAX_BYTES = 128;

    private FacebookIds() {
    }

    static void check(String id) throws Refused {
        if (id == null || id.isEmpty() || Identifiers.hasControlOrSpace(id) || !Identifiers.lengthWithin(id, 1, MAX_BYTES)) {
            throw new Refused("the user id is missing or malformed");
        }
    }
}
