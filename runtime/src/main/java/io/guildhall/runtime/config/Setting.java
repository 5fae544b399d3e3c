package io.guildhall.runtime.config;

/**
 * One core configuration key: its default, whether it is a secret (masked in logs), and, for
 * keys, the well-known default value that must not reach production unnoticed.
 */
public enum Setting {
    SOCKET_ADDRESS("socket.address", "0.0.0.0", false),
    SOCKET_PORT("socket.port", "7350", false),
    SOCKET_SERVER_KEY("socket.server_key", "defaultkey", true),
    SOCKET_MAX_REQUEST_SIZE_BYTES("socket.max_request_size_bytes", "262144", false),
    SOCKET_IDLE_TIMEOUT_MS("socket.idle_timeout_ms", "60000", false),
    SOCKET_MAX_HEADER_SIZE_BYTES("socket.max_header_size_bytes", "16384", false),
    SOCKET_HEADER_TIMEOUT_MS("socket.header_timeout_ms", "10000", false),
    SOCKET_BODY_TIMEOUT_MS("socket.body_timeout_ms", "30000", false),
    SOCKET_MAX_DRAIN_BYTES("socket.max_drain_bytes", "1048576", false),
    SOCKET_CONNECTIONS_HIGH_WATER("socket.connections_high_water", "10000", false),
    SOCKET_CONNECTIONS_LOW_WATER("socket.connections_low_water", "9000", false),
    SOCKET_TRUSTED_PROXIES("socket.trusted_proxies", "", false),
    SESSION_ENCRYPTION_KEY("session.encryption_key", "defaultencryptionkey-change-me-in-production", true),
    SESSION_PREVIOUS_ENCRYPTION_KEYS("session.previous_encryption_keys", "", true),
    SESSION_TOKEN_EXPIRY_SEC("session.token_expiry_sec", "60", false),
    SESSION_REFRESH_ENCRYPTION_KEY("session.refresh_encryption_key", "defaultrefreshencryptionkey-change-me-in-production", true),
    SESSION_PREVIOUS_REFRESH_ENCRYPTION_KEYS("session.previous_refresh_encryption_keys", "", true),
    SESSION_REFRESH_TOKEN_EXPIRY_SEC("session.refresh_token_expiry_sec", "3600", false),
    SESSION_SINGLE_SESSION("session.single_session", "false", false),
    SESSION_REFRESH_TOKEN_ROTATION("session.refresh_token_rotation", "false", false),
    SESSION_REFRESH_TOKEN_REUSE_GRACE_SEC("session.refresh_token_reuse_grace_sec", "10", false),
    SESSION_MAX_VARS("session.max_vars", "32", false),
    SESSION_MAX_VARS_BYTES("session.max_vars_bytes", "4096", false),
    SESSION_VERIFIED_CACHE_BYTES("session.verified_cache_bytes", "33554432", false),
    ACCOUNT_BCRYPT_COST("account.bcrypt_cost", "13", false),
    ACCOUNT_BCRYPT_THREADS("account.bcrypt_threads", "0", false),
    ACCOUNT_BCRYPT_QUEUE("account.bcrypt_queue", "32", false),
    ACCOUNT_BCRYPT_QUEUE_TIMEOUT_MS("account.bcrypt_queue_timeout_ms", "5000", false),
    ACCOUNT_MAX_IDENTITIES("account.max_identities", "100", false),
    ACCOUNT_MEMO_CACHE_BYTES("account.memo_cache_bytes", "33554432", false),
    ACCOUNT_LOGIN_FAILURES_PER_ACCOUNT("account.login_failures_per_account", "5", false),
    ACCOUNT_LOGIN_ACCOUNT_WINDOW_SEC("account.login_account_window_sec", "60", false),
    ACCOUNT_LOGIN_FAILURES_PER_ADDRESS("account.login_failures_per_address", "10", false),
    ACCOUNT_LOGIN_ADDRESS_WINDOW_SEC("account.login_address_window_sec", "600", false),
    ACCOUNT_LOGIN_ATTEMPTS_CACHE_BYTES("account.login_attempts_cache_bytes", "16777216", false),
    RUNTIME_HTTP_KEY("runtime.http_key", "defaulthttpkey", true),
    SATORI_URL("satori.url", "", false),
    SATORI_API_KEY_NAME("satori.api_key_name", "", false),
    SATORI_API_KEY("satori.api_key", "", true),
    SATORI_SIGNING_KEY("satori.signing_key", "", true),
    SATORI_HTTP_TIMEOUT_MS("satori.http_timeout_ms", "10000", false),
    SATORI_RETRY_COUNT("satori.retry_count", "0", false),
    DATA_DIR("data.dir", "./data", false),
    DATA_ENGINE("data.engine", "mvstore", false),
    DATA_EXIT_ON_FAILURE("data.exit_on_failure", "true", false),
    DATA_CHECKPOINT_BYTES("data.checkpoint_bytes", "67108864", false),
    DATA_CHECKPOINT_INTERVAL_SEC("data.checkpoint_interval_sec", "60", false),
    DATA_CHECKPOINT_UNSAVED_BYTES("data.checkpoint_unsaved_bytes", "0", false),
    DATA_BACKUP_DIR("data.backup_dir", "./backups", false),
    PLUGINS_DIR("plugins.dir", "./plugins", false),
    PLUGINS_HTTP_CONNECT_TIMEOUT_MS("plugins.http_connect_timeout_ms", "3000", false),
    PLUGINS_HTTP_TIMEOUT_MS("plugins.http_timeout_ms", "5000", false),
    PLUGINS_HTTP_MAX_RESPONSE_BYTES("plugins.http_max_response_bytes", "1048576", false),
    PLUGINS_KEY_CACHE_TTL_SEC("plugins.key_cache_ttl_sec", "3600", false),
    PLUGINS_KEY_REFETCH_INTERVAL_SEC("plugins.key_refetch_interval_sec", "10", false),
    PLUGINS_KEY_CACHE_MAX_BYTES("plugins.key_cache_max_bytes", "8388608", false),
    PLUGINS_NATIVE_CRYPTO("plugins.native_crypto", "true", false),
    SHUTDOWN_GRACE_SEC("shutdown_grace_sec", "10", false),

    ANALYTICS_ENABLED("analytics.enabled", "true", false),
    ANALYTICS_ADDRESS("analytics.address", "0.0.0.0", false),
    ANALYTICS_PORT("analytics.port", "7450", false),
    /** A list of {name, key, server_events}; keys are UUIDs. */
    ANALYTICS_API_KEYS("analytics.api_keys", "default:5f3e2b1a-9c8d-4e7f-a6b5-c4d3e2f1a0b9:false", true,
            "name", "*key", "server_events"),
    ANALYTICS_SESSION_SIGNING_KEY("analytics.session_signing_key", "defaultanalyticssessionkey-change-me-in-production", true),
    ANALYTICS_PREVIOUS_SESSION_SIGNING_KEYS("analytics.previous_session_signing_keys", "", true),
    ANALYTICS_REFRESH_SIGNING_KEY("analytics.refresh_signing_key", "defaultanalyticsrefreshkey-change-me-in-production", true),
    ANALYTICS_PREVIOUS_REFRESH_SIGNING_KEYS("analytics.previous_refresh_signing_keys", "", true),
    ANALYTICS_VERIFIED_CACHE_BYTES("analytics.verified_cache_bytes", "33554432", false),
    ANALYTICS_SESSION_TOKEN_EXPIRY_SEC("analytics.session_token_expiry_sec", "129600", false),
    ANALYTICS_SESSION_REFRESH_TOKEN_EXPIRY_SEC("analytics.session_refresh_token_expiry_sec", "604800", false),
    ANALYTICS_MAX_REQUEST_SIZE_BYTES("analytics.max_request_size_bytes", "1048576", false),
    ANALYTICS_MAX_EVENTS_PER_REQUEST("analytics.max_events_per_request", "1000", false),
    ANALYTICS_DEDUPE_WINDOW_SEC("analytics.dedupe_window_sec", "86400", false),
    ANALYTICS_MAX_CLOCK_SKEW_SEC("analytics.max_clock_skew_sec", "60", false),
    ANALYTICS_EVENT_RETENTION_DAYS("analytics.event_retention_days", "0", false),
    ANALYTICS_IDENTITY_REQUESTS_PER_SEC("analytics.identity_requests_per_sec", "20", false),
    ANALYTICS_ADDRESS_REQUESTS_PER_SEC("analytics.address_requests_per_sec", "1000", false),
    ANALYTICS_REJECTED_EVENTS_KEPT("analytics.rejected_events_kept", "1000", false),
    ANALYTICS_IDLE_CAP_SEC("analytics.idle_cap_sec", "300", false),
    ANALYTICS_SESSION_INACTIVITY_SEC("analytics.session_inactivity_sec", "0", false),
    ANALYTICS_METRICS_TIMEZONE("analytics.metrics_timezone", "UTC", false),
    /** A list of {name, value}. */
    ANALYTICS_FLAGS("analytics.flags", "", false, "name", "value"),
    EVENT_SESSIONLESS_EVENTS_GRACE_PERIOD_SEC("event.sessionless_events_grace_period_sec", "1800", false),

    CONSOLE_ENABLED("console.enabled", "true", false),
    CONSOLE_ADDRESS("console.address", "127.0.0.1", false),
    CONSOLE_PORT("console.port", "7451", false),
    CONSOLE_SIGNING_KEY("console.signing_key", "defaultconsolesigningkey-change-me-in-production", true),
    CONSOLE_METRICS_TOKEN("console.metrics_token", "", true),
    CONSOLE_TOKEN_EXPIRY_SEC("console.token_expiry_sec", "86400", false),
    /** A list of {email, password_hash}; hashes are bcrypt ({@code java -jar guildhall.jar hash-password}). */
    CONSOLE_USERS("console.users", "", true, "email", "*password_hash");

    private final String key;
    private final String defaultValue;
    private final boolean secret;
    private final java.util.List<String> fields;

    /**
     * @param fields for a list of objects, its field names in the order of the flat form
     *               ({@code a:b:c,a:b:c}); a leading {@code *} marks a field masked in the log
     */
    Setting(String key, String defaultValue, boolean secret, String... fields) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.fields = java.util.List.of(fields);
    }

    /** True for a list of objects. */
    public boolean isObjectList() {
        return !fields.isEmpty();
    }

    java.util.List<String> fields() {
        return fields;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean secret() {
        return secret;
    }

    /** The environment variable that overrides this key, e.g. {@code GUILDHALL_SOCKET_PORT}. */
    public String environmentName() {
        return Config.environmentName(key);
    }

    static Setting byKey(String key) {
        for (Setting setting : values()) {
            if (setting.key.equals(key)) {
                return setting;
            }
        }
        return null;
    }
}
