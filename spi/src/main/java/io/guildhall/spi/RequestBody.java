package io.guildhall.spi;

/**
 * A read-only view of a JSON request body. Names are given in snake_case; the lowerCamelCase
 * spelling is accepted too, as on the wire. Absent and JSON {@code null} read as absent.
 */
public interface RequestBody {
    /** The string field, or {@code ""} when absent. A non-string value is an invalid-argument error. */
    String string(String name);

    /** The int64 field (a JSON number or numeric string), or 0 when absent. */
    long int64(String name);

    /** The nested object, or an empty body when absent. */
    RequestBody object(String name);

    boolean has(String name);
}
