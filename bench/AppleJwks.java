import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A stand-in for Apple's JWKS endpoint for bench/run: generates an RSA key, writes COUNT distinct
 * Apple identity tokens signed with it (one per line, subjects bench-apple-0..COUNT-1, valid for
 * four hours), and serves the key as a JWKS at http://127.0.0.1:PORT/auth/keys until killed (already
 * serving when the tokens file appears).
 * JDK only, run as a single-file program:
 *
 *   java bench/AppleJwks.java PORT TOKENS_FILE COUNT BUNDLE_ID
 */
public class AppleJwks {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path tokensFile = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        String bundleId = args[3];

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        RSAPublicKey publicKey = (RSAPublicKey) keys.getPublic();
        byte[] jwks = ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"bench-key\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + b64(unsigned(publicKey.getModulus())) + "\",\"e\":\"" + b64(unsigned(publicKey.getPublicExponent()))
                + "\"}]}").getBytes(StandardCharsets.UTF_8);

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/auth/keys", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();

        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"kid\":\"bench-key\"}".getBytes(StandardCharsets.UTF_8));
        String tokens = IntStream.range(0, count).parallel().mapToObj(i -> header + "." + b64((
                "{\"iss\":\"https://appleid.apple.com\",\"aud\":\"" + bundleId + "\",\"exp\":" + (now + 4 * 3600)
                + ",\"iat\":" + now + ",\"sub\":\"bench-apple-" + i + "\",\"c_hash\":\"" + i
                + "\",\"email\":\"bench-apple-" + i + "@privaterelay.appleid.example\",\"email_verified\":\"true\","
                + "\"auth_time\":" + now + ",\"nonce_supported\":true}").getBytes(StandardCharsets.UTF_8)))
                .map(signingInput -> signingInput + "." + b64(sign(keys.getPrivate(), signingInput)))
                .collect(Collectors.joining("\n", "", "\n"));
        // Written aside and moved into place, so whoever waits for the file never reads half of it.
        Path partial = tokensFile.resolveSibling(tokensFile.getFileName() + ".partial");
        Files.writeString(partial, tokens);
        Files.move(partial, tokensFile, StandardCopyOption.ATOMIC_MOVE);

        System.out.println("Apple JWKS stand-in on http://127.0.0.1:" + port + "/auth/keys, " + count + " tokens in " + tokensFile);
    }

    private static byte[] sign(PrivateKey key, String signingInput) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return rsa.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String b64(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }
}
