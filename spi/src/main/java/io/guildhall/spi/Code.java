package io.guildhall.spi;

/** gRPC status codes, the error vocabulary of the Nakama and Satori wire APIs. */
public enum Code {
    OK(0), CANCELLED(1), UNKNOWN(2), INVALID_ARGUMENT(3), DEADLINE_EXCEEDED(4), NOT_FOUND(5),
    ALREADY_EXISTS(6), PERMISSION_DENIED(7), RESOURCE_EXHAUSTED(8), FAILED_PRECONDITION(9),
    ABORTED(10), OUT_OF_RANGE(11), UNIMPLEMENTED(12), INTERNAL(13), UNAVAILABLE(14),
    DATA_LOSS(15), UNAUTHENTICATED(16);

    private final int number;

    Code(int number) {
        this.number = number;
    }

    /** The number carried in the JSON error body. */
    public int number() {
        return number;
    }
}
