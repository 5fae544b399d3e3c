package io.guildhall.runtime.http;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import org.junit.jupiter.api.Test;

import io.guildhall.runtime.testing.SettableClock;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoginAttemptsTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginAttempts attempts = new LoginAttempts(new LoginAttempts.Policy(
            5, Duration.ofMinutes(1), 10, Duration.ofMinutes(10), 1 << 20), clock);

    @Test
    void fiveFailuresLockAnAccountForTheRestOfTheMinute() {
        for (int i = 0; i < 5; i++) {
            attempts.checkAllowed("alice", "10.0.0." + i);
            attempts.failed("alice", "10.0.0." + i);
        }
        ApiException locked = assertThrows(ApiException.class, () -> attempts.checkAllowed("alice", "10.0.0.99"));
        assertEquals(Code.RESOURCE_EXHAUSTED, locked.code());
        assertEquals(LoginAttempts.LOCKED, locked.getMessage());
        attempts.checkAllowed("bob", "10.0.0.99"); // other accounts are not locked
        clock.advance(Duration.ofSeconds(59));
        assertThrows(ApiException.class, () -> attempts.checkAllowed("alice", "10.0.0.99"));
        clock.advance(Duration.ofSeconds(1));
        attempts.checkAllowed("alice", "10.0.0.99");
    }

    @Test
    void tenFailuresLockAnAddressForTenMinutesWhateverTheAccount() {
        for (int i = 0; i < 10; i++) {
            attempts.checkAllowed("user" + i, "192.0.2.1");
            attempts.failed(i % 2 == 0 ? "user" + i : null, "192.0.2.1");
        }
        assertThrows(ApiException.class, () -> attempts.checkAllowed("someone-else", "192.0.2.1"));
        attempts.checkAllowed("someone-else", "192.0.2.2");
        clock.advance(Duration.ofMinutes(9));
        assertThrows(ApiException.class, () -> attempts.checkAllowed(null, "192.0.2.1"));
        clock.advance(Duration.ofMinutes(1));
        attempts.checkAllowed(null, "192.0.2.1");
    }

    @Test
    void aSuccessClearsTheAccountsFailures() {
        for (int i = 0; i < 4; i++) {
            attempts.failed("carol", "198.51.100." + i);
        }
        attempts.succeeded("carol");
        for (int i = 0; i < 4; i++) {
            attempts.failed("carol", "198.51.100." + (10 + i));
        }
        attempts.checkAllowed("carol", "198.51.100.50");
    }
}
