package io.guildhall.spi.module;

import java.util.Objects;

/**
 * A hookable operation of the game API, with the types its hooks see: {@code Q} the request,
 * {@code R} the result ({@link Void} where there is none). Get them from {@link Operations}.
 */
public final class ApiOperation<Q, R> {
    private final String name;

    ApiOperation(String name) {
        this.name = Objects.requireNonNull(name);
    }

    /** E.g. {@code authenticate/device}, {@code account/update}. */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiOperation<?, ?> that && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
