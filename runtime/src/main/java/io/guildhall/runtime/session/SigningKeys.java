package io.guildhall.runtime.session;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.Setting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The key that signs one kind of token and the previous keys that still verify it, so keys can be
 * rotated without logging anybody out. Tokens name their key in the {@code kid} header: an id
 * derived from the key by SHA-256, which says nothing about the key itself.
 */
public record SigningKeys(String current, List<String> previous) {
    /** Length of the encoded header {@code {"alg":"HS256","kid":"<8 chars>","typ":"JWT"}}. */
    static final int HEADER_CHARS = encodedHeader("00000000").length();

    public SigningKeys {
        previous = List.copyOf(previous);
    }

    /** From config values: the current key and a comma-separated list of previous ones (blank for none). */
    public static SigningKeys of(String current, String previousList) {
        List<String> previous = new ArrayList<>();
        for (String key : previousList.split(",")) {
            if (!key.isBlank()) {
                previous.add(key.trim());
            }
        }
        return new SigningKeys(current, previous);
    }

    /**
     * The keys configured under {@code current} and {@code previous} (a comma-separated list), each
     * at least {@link TokenService#MIN_KEY_BYTES} long.
     */
    public static SigningKeys read(Config config, Setting current, Setting previous) {
        SigningKeys keys = of(config.string(current), config.string(previous));
        requireLength(current, keys.current());
        for (String key : keys.previous()) {
            requireLength(previous, key);
        }
        return keys;
    }

    private static void requireLength(Setting setting, String key) {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < TokenService.MIN_KEY_BYTES) {
            throw new ConfigException(setting.key() + " is " + bytes + " bytes long; HS256 needs a key of at least "
                    + TokenService.MIN_KEY_BYTES + " bytes (256 bits)");
        }
    }

    /** The current key first, then the previous ones. */
    List<String> all() {
        List<String> all = new ArrayList<>(previous.size() + 1);
        all.add(current);
        all.addAll(previous);
        return all;
    }

    static String kid(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(
                    ("guildhall-kid:" + key).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String encodedHeader(String kid) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "SigningKeys[current=*****, previous=" + previous.size() + "]";
    }
}
