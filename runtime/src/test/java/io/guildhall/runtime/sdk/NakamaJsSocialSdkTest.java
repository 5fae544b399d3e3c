package io.guildhall.runtime.sdk;

import io.guildhall.runtime.social.AppleStandIn;
import io.guildhall.runtime.social.FacebookInstantGameTokens;
import io.guildhall.runtime.social.FacebookStandIn;
import io.guildhall.runtime.social.GameCenterStandIn;
import io.guildhall.runtime.social.GoogleStandIn;
import io.guildhall.runtime.social.SteamStandIn;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.NodeScript;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The unmodified nakama-js 2.8.0 signs in through all six platforms against the real server,
 * which checks real signatures from stand-ins on 127.0.0.1 (keys and certificates made here). The
 * behaviours checked are in {@code src/test/js/nakama-social.test.mjs}; the platform credentials it
 * presents are minted here and handed over as JSON.
 */
class NakamaJsSocialSdkTest {
    private static final String SCRIPT = "nakama-social.test.mjs";
    private static final long NODE_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = NODE_TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
    void officialJsSdkSignsInThroughEveryPlatform() throws Exception {
        Clock clock = Clock.systemUTC();
        try (AppleStandIn apple = AppleStandIn.start(clock);
             GoogleStandIn google = GoogleStandIn.start(clock);
             FacebookStandIn facebook = FacebookStandIn.start();
             SteamStandIn steam = new SteamStandIn();
             GameCenterStandIn gameCenter = new GameCenterStandIn(dir, Instant.now())) {
            List<String> flags = new ArrayList<>();
            flags.addAll(Arrays.asList(apple.serverFlags()));
            flags.addAll(Arrays.asList(google.serverFlags()));
            flags.addAll(Arrays.asList(facebook.flags()));
            flags.addAll(Arrays.asList(FacebookInstantGameTokens.flags()));
            flags.addAll(Arrays.asList(steam.flags()));
            flags.addAll(Arrays.asList(gameCenter.flags()));
            facebook.serveAll();
            try (TestServer server = TestServer.start(dir.resolve("data"), flags.toArray(String[]::new))) {
                Map<String, Object> fixtures = new LinkedHashMap<>();
                String appleSub = "001234." + unique() + ".0042";
                fixtures.put("apple", Map.of("sub", appleSub, "token", apple.token(appleSub)));
                String googleSub = unique().substring(0, 21).replaceAll("[^0-9]", "7");
                fixtures.put("google", Map.of("sub", googleSub, "token", google.idToken(googleSub)));
                String facebookId = "10" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L);
                fixtures.put("facebook", Map.of("id", facebookId, "token", facebook.limitedLoginToken(facebookId, Instant.now()),
                        "classicId", facebookId + "1", "classicToken", facebook.classicToken(facebookId + "1", "Classic Player", null)));
                String instantId = "fbig" + unique().substring(0, 12);
                fixtures.put("facebookInstant", Map.of("playerId", instantId,
                        "signedPlayerInfo", FacebookInstantGameTokens.signedPlayerInfo(instantId, Instant.now().getEpochSecond())));
                String steamId = SteamStandIn.newSteamId();
                String linkedSteamId = SteamStandIn.newSteamId();
                fixtures.put("steam", Map.of("steamId", steamId, "ticket", steam.ticket(steamId),
                        "linkSteamId", linkedSteamId, "linkTicket", steam.ticket(linkedSteamId)));
                String playerId = GameCenterStandIn.newPlayerId();
                fixtures.put("gameCenter", gameCenter.credentials(playerId, System.currentTimeMillis()));

                NodeScript.run(SCRIPT, "@heroiclabs/nakama-js", Map.of(
                        "GUILDHALL_HOST", "127.0.0.1",
                        "GUILDHALL_PORT", Integer.toString(server.port()),
                        "GUILDHALL_SERVER_KEY", "defaultkey",
                        "GUILDHALL_SOCIAL", ApiClient.json(fixtures)), NODE_TIMEOUT_SECONDS);
            }
        }
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
