package io.guildhall.runtime;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.config.Setting;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @Test
    void flagsBeatEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("guildhall.yml");
        Files.writeString(file, """
                socket:
                  port: 7000
                  server_key: from-file
                session:
                  token_expiry_sec: 120
                social:
                  apple:
                    bundle_id: [com.example.one, com.example.two]
                """);
        Config config = ConfigLoader.load(new String[]{"--config", file.toString(), "--socket.port=7100"},
                Map.of("GUILDHALL_SOCKET_PORT", "7200", "GUILDHALL_SOCKET_SERVER_KEY", "from-env"));
        assertEquals(7100, config.integer(Setting.SOCKET_PORT));
        assertEquals("from-env", config.string(Setting.SOCKET_SERVER_KEY));
        assertEquals(120, config.number(Setting.SESSION_TOKEN_EXPIRY_SEC));
        assertEquals(3600, config.number(Setting.SESSION_REFRESH_TOKEN_EXPIRY_SEC));
        assertEquals(List.of("com.example.one", "com.example.two"), config.section("social.apple").list("bundle_id"));
        String described = config.describe();
        assertTrue(described.contains("socket.server_key=*****"), described);
        assertFalse(described.contains("from-env"), described);
    }

    @Test
    void badInputIsRefusedWithAClearMessage(@TempDir Path dir) {
        assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[]{"--config", dir.resolve("missing.yml").toString()}, Map.of()));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[]{"positional"}, Map.of()));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[]{"--socket.port"}, Map.of()));
        Config notANumber = ConfigLoader.load(new String[]{"--socket.port=abc"}, Map.of());
        assertEquals("socket.port must be a whole number, got 'abc'",
                assertThrows(ConfigException.class, () -> notANumber.integer(Setting.SOCKET_PORT)).getMessage());
    }

    @Test
    void shortOrEqualSigningKeysAreRefused(@TempDir Path dir) {
        ConfigException tooShort = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--session.encryption_key=defaultencryptionkey"));
        assertEquals("session.encryption_key is 20 bytes long; HS256 needs a key of at least 32 bytes (256 bits)",
                tooShort.getMessage());
        String key = "k".repeat(40);
        ConfigException same = assertThrows(ConfigException.class, () -> TestServer.start(dir,
                "--session.encryption_key=" + key, "--session.refresh_encryption_key=" + key));
        assertTrue(same.getMessage().contains("must differ"), same.getMessage());
    }

    @Test
    void unknownCoreKeysAreRefused(@TempDir Path dir) {
        ConfigException typo = assertThrows(ConfigException.class, () -> TestServer.start(dir, "--session.token_expiry=5"));
        assertEquals("Unknown configuration key 'session.token_expiry'", typo.getMessage());
    }

    @Test
    void anUnknownStoreEngineIsAConfigurationError(@TempDir Path dir) {
        ConfigException engine = assertThrows(ConfigException.class, () -> TestServer.start(dir, "--data.engine=rocksdb"));
        assertEquals("data.engine must be one of mvstore, mapdb, got 'rocksdb'", engine.getMessage());
    }

    @Test
    void limitsThatCannotWorkAreRefusedAtStartUp(@TempDir Path dir) {
        ConfigException header = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--session.max_vars_bytes=20000"));
        assertTrue(header.getMessage().contains("socket.max_header_size_bytes of at least"), header.getMessage());
        ConfigException water = assertThrows(ConfigException.class, () -> TestServer.start(dir,
                "--socket.connections_high_water=10", "--socket.connections_low_water=20"));
        assertEquals("socket.connections_low_water must not exceed socket.connections_high_water", water.getMessage());
        ConfigException fds = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--socket.connections_high_water=100000000"));
        assertTrue(fds.getMessage().contains("ulimit -n"), fds.getMessage());
        ConfigException proxies = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--socket.trusted_proxies=lb.internal"));
        assertEquals("socket.trusted_proxies: not an IP address or CIDR block: 'lb.internal'", proxies.getMessage());
        ConfigException oldKey = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--session.previous_encryption_keys=short"));
        assertTrue(oldKey.getMessage().startsWith("session.previous_encryption_keys is 5 bytes long"), oldKey.getMessage());
    }
}
