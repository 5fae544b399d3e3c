package io.guildhall.runtime;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashPasswordTest {
    @Test
    void readsThePasswordFromStandardInputAndPrintsABcryptHash() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HashPassword.run(new String[]{"hash-password", "--cost=4"},
                new ByteArrayInputStream("s3cret pass\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, status, err.toString());
        String hash = out.toString(StandardCharsets.US_ASCII).trim();
        assertTrue(hash.startsWith("$2a$04$"), hash);
        assertTrue(BCrypt.verifyer().verify("s3cret pass".toCharArray(), hash).verified);
        assertEquals(2, HashPassword.run(new String[]{"hash-password"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true), new PrintStream(err, true)), "no password: refused");
    }
}
