package io.guildhall.runtime.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Stores;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * For bench/kill9: checks that every session token in the given files belongs to an account the
 * store holds whole (user record, and the username from the token's {@code usn} claim pointing at
 * it). The server must be stopped. Exits 1 if any is missing.
 * {@code java -cp guildhall.jar io.guildhall.runtime.account.VerifyTokens DATA_DIR FILE...}
 */
public final class VerifyTokens {
    private VerifyTokens() {
    }

    public static void main(String[] args) throws Exception {
        long checked = 0;
        long missing = 0;
        try (GroupCommitStore store = Stores.open(Stores.MVSTORE, Path.of(args[0]))) {
            KvMap users = store.map("users");
            KvMap usernames = store.map("usernames");
            for (int f = 1; f < args.length; f++) {
                try (BufferedReader lines = Files.newBufferedReader(Path.of(args[f]), StandardCharsets.US_ASCII)) {
                    for (String token; (token = lines.readLine()) != null; ) {
                        String[] parts = token.split("\\.");
                        if (parts.length != 3) {
                            continue; // a line cut short when the load generator stopped
                        }
                        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
                        String uid = claims.path("uid").asText();
                        byte[] owner = usernames.get(claims.path("usn").asText());
                        checked++;
                        if (users.get(uid) == null || owner == null || !uid.equals(new String(owner, StandardCharsets.US_ASCII))) {
                            missing++;
                            if (missing <= 10) {
                                System.out.println("MISSING " + claims.path("usn").asText() + " " + uid);
                            }
                        }
                    }
                }
            }
            System.out.printf("%d acknowledged sign-ups checked, %d missing; %d accounts in the store%n",
                    checked, missing, users.size());
        }
        System.exit(missing == 0 && checked > 0 ? 0 : 1);
    }
}
