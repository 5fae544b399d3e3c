package io.guildhall.runtime.account;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {
    @Test
    void aFloodPastTheQueueFailsFastWith503InsteadOfWaiting() {
        try (Passwords passwords = new Passwords(10, 1, 2)) {
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
}
