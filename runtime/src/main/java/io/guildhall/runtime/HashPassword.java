package io.guildhall.runtime;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar guildhall.jar hash-password [--cost N]}: reads one password from standard input
 * (its first line) and prints its bcrypt hash for {@code console.users}. The password never
 * appears on a command line or in the shell history.
 */
final class HashPassword {
    static final int DEFAULT_COST = 12;

    private HashPassword() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        int cost = DEFAULT_COST;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            try {
                if (arg.startsWith("--cost=")) {
                    cost = Integer.parseInt(arg.substring(7));
                } else if (arg.equals("--cost") && i + 1 < args.length) {
                    cost = Integer.parseInt(args[++i]);
                } else {
                    err.println("usage: java -jar guildhall.jar hash-password [--cost N] < password-file");
                    return 2;
                }
            } catch (NumberFormatException e) {
                err.println("--cost must be a whole number");
                return 2;
            }
        }
        if (cost < 4 || cost > 31) {
            err.println("--cost must be between 4 and 31");
            return 2;
        }
        String password;
        try {
            password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            err.println("cannot read the password: " + e.getMessage());
            return 1;
        }
        if (password == null || password.isEmpty()) {
            err.println("no password on standard input");
            return 2;
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
            err.println("bcrypt uses at most 72 bytes of a password; choose a shorter one");
            return 2;
        }
        out.println(new String(BCrypt.withDefaults().hash(cost, password.toCharArray()), StandardCharsets.US_ASCII));
        return 0;
    }
}
