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

    @Test
    void listsOfObjectsComeFromYamlOrTheFlatFormWithSecretsMasked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("guildhall.yml");
        Files.writeString(file, """
                analytics:
                  api_keys:
                    - name: game
                      key: 11111111-2222-4333-8444-555555555555
                    - name: backend
                      key: 66666666-7777-4888-9999-000000000000
                      server_events: true
                """);
        Config fromYaml = ConfigLoader.load(new String[]{"--config", file.toString()}, Map.of());
        assertEquals(List.of(
                Map.of("name", "game", "key", "11111111-2222-4333-8444-555555555555"),
                Map.of("name", "backend", "key", "66666666-7777-4888-9999-000000000000", "server_events", "true")),
                fromYaml.objects(Setting.ANALYTICS_API_KEYS));
        String described = fromYaml.describe();
        assertTrue(described.contains("analytics.api_keys=[game:*****:,backend:*****:true]"), described);
        assertFalse(described.contains("11111111"), described);

        Config fromEnv = ConfigLoader.load(new String[]{"--config", file.toString()},
                Map.of("GUILDHALL_ANALYTICS_API_KEYS", "web:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee:true,app:bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee"));
        assertEquals(List.of(
                Map.of("name", "web", "key", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "server_events", "true"),
                Map.of("name", "app", "key", "bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee")), fromEnv.objects(Setting.ANALYTICS_API_KEYS));

        Config flags = ConfigLoader.load(new String[]{"--analytics.flags=theme:dark,url:http://x:1/"}, Map.of());
        assertEquals(List.of(Map.of("name", "theme", "value", "dark"), Map.of("name", "url", "value", "http://x:1/")),
                flags.objects(Setting.ANALYTICS_FLAGS), "the last field keeps its colons");
    }

    @Test
    void unknownFieldsAndKeysInTheNewSectionsStopStartUp(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("guildhall.yml");
        Files.writeString(file, """
                console:
                  users:
                    - email: ops@example.com
                      password: plain-text-by-mistake
                """);
        ConfigException field = assertThrows(ConfigException.class,
                () -> TestServer.start(dir.resolve("data"), "--config", file.toString()));
        assertTrue(field.getMessage().contains("console.users[].password"), field.getMessage());
        ConfigException key = assertThrows(ConfigException.class, () -> TestServer.start(dir, "--analytics.prot=7450"));
        assertEquals("Unknown configuration key 'analytics.prot'", key.getMessage());
        ConfigException notUuid = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--analytics.api_keys=game:not-a-uuid"));
        assertTrue(notUuid.getMessage().contains("must be a UUID"), notUuid.getMessage());
        ConfigException shortKey = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, "--analytics.session_signing_key=short"));
        assertTrue(shortKey.getMessage().contains("at least 32 bytes"), shortKey.getMessage());
    }

    @Test
    void theShippedFileDocumentsTheAnalyticsAndConsoleKeysWithTheirDefaults() {
        Path shipped = Path.of(System.getProperty("user.dir")).getParent().resolve("conf/guildhall.yml");
        Config fromFile = ConfigLoader.load(new String[]{"--config", shipped.toString()}, Map.of());
        for (Setting setting : Setting.values()) {
            if (!setting.key().matches("(analytics|event|console)\\..*")) {
                continue;
            }
            assertTrue(fromFile.raw(setting.key()) != null || setting.isObjectList(), setting.key() + " is not in " + shipped);
            if (setting.isObjectList()) {
                Config builtIn = new Config(Map.of(), Map.of(), Map.of());
                assertEquals(builtIn.objects(setting), fromFile.objects(setting), setting.key());
            } else {
                assertEquals(setting.defaultValue(), fromFile.string(setting), setting.key());
            }
        }
    }
}
