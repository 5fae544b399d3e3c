package io.guildhall.runtime.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {
    @Test
    void aFloodPastTheQueueFailsFastWith503InsteadOfWaiting() {
        try (Passwords passwords = new Passwords(10, 1, 2, Duration.ZERO, Clock.systemUTC())) {
            List<CompletableFuture<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                hashes.add(passwords.hash("password-" + i));
            }
            // one hashing, two queued: the other seven are refused at once, not after the others
            long refusedAtOnce = hashes.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertEquals(7, refusedAtOnce);
            for (CompletableFuture<String> hash : hashes) {
                try {
                    assertTrue(hash.join().startsWith("$2"));
                } catch (CompletionException e) {
                    ApiException refused = (ApiException) e.getCause();
                    assertEquals(Code.UNAVAILABLE, refused.code());
                }
            }
        }
    }

    @Test
    void aCheckThatWaitedPastTheTimeoutIsAnswered503WithoutHashing() {
        SettableClock clock = new SettableClock(Instant.parse("2026-03-10T12:00:00Z"));
        String fast = new String(BCrypt.withDefaults().hash(4, "pw".toCharArray()), StandardCharsets.US_ASCII);
        // a check's cost is its hash's: cost 12 keeps the only thread busy for a few hundred ms
        String slow = new String(BCrypt.withDefaults().hash(12, "pw".toCharArray()), StandardCharsets.US_ASCII);
        try (Passwords passwords = new Passwords(4, 1, 8, Duration.ofSeconds(5), clock)) {
            CompletableFuture<Boolean> busy = passwords.matches("pw", slow);
            awaitRunning(passwords, 1); // the slow check holds the thread before the others queue
            CompletableFuture<Boolean> waited = passwords.matches("pw", fast);
            CompletableFuture<Boolean> waitedToo = passwords.matches("wrong", fast);
            clock.advance(Duration.ofSeconds(6));
            CompletableFuture<Boolean> fresh = passwords.matches("pw", fast);
            assertFalse(busy.isDone(), "the three checks must have queued behind the slow one for the test to mean anything");

            assertTrue(busy.join());
            for (CompletableFuture<Boolean> stale : List.of(waited, waitedToo)) {
                CompletionException failure = assertThrows(CompletionException.class, stale::join);
                assertEquals(Code.UNAVAILABLE, ((ApiException) failure.getCause()).code());
            }
            assertTrue(fresh.join(), "a check queued after the clock moved is within its limit and is hashed");
            assertEquals(2, passwords.expired());
            assertEquals(2, passwords.ran(), "the two that waited too long were never hashed");
        }
    }

    /** Waits (for a thread, not for time) until {@code n} checks have started running. */
    private static void awaitRunning(Passwords passwords, long n) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (passwords.ran() < n) {
            assertTrue(System.nanoTime() < giveUp, "no check started");
            Thread.onSpinWait();
        }
    }
}
