package io.guildhall.runtime.analytics;

import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console page in a real headless Chromium (Debian's chromium and chromium-driver, installed by
 * .ci/install-browser.sh): sign in, charts drawn from a known data set, an identity's sessions and
 * its event in no session, the metrics rebuilt, a game account banned, and a backup taken. Writes
 * target/console-dashboard.png.
 */
class ConsolePageBrowserTest extends AnalyticsTestBase {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File DRIVER = new File("/usr/bin/chromedriver");

    private WebDriver browser;

    @BeforeEach
    void openBrowser() {
        boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
        String missing = "No headless browser: /usr/bin/chromium and /usr/bin/chromedriver are needed; run .ci/install-browser.sh";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + " (CI=true, so this fails instead of skipping)");
        }
        Assumptions.assumeTrue(present, missing);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    @Test
    void signInChartsIdentityBanAndBackup() throws Exception {
        // The data set: on 2026-03-02 two sessions of 10 and 30 minutes, on 2026-03-03 one of 20.
        String player = newIdentity();
        Instant day1 = Instant.parse("2026-03-02T09:00:00Z");
        clock.set(day1);
        ApiClient.Reply s1 = authenticate(player);
        clock.set(day1.plusSeconds(600));
        sendEvents(s1, List.of(event("tick", now())));
        clock.set(day1.plusSeconds(7200));
        ApiClient.Reply s2 = authenticate(player);
        clock.set(day1.plusSeconds(7200 + 1800));
        sendEvents(s2, List.of(event("tick", now())));
        clock.set(day1.plusSeconds(86_400));
        ApiClient.Reply s3 = authenticate(player);
        clock.set(day1.plusSeconds(86_400 + 1200));
        sendEvents(s3, List.of(event("tick", now())));
        clock.set(day1.plusSeconds(86_400 + 1200 + 7200)); // two hours later: outside the grace period
        Map<String, Object> late = new java.util.HashMap<>(event("purchase", now()));
        late.put("identity_id", player);
        assertEquals(200, sendServerEvents(basic(BACKEND_KEY), List.of(late)).status());
        ApiClient game = server.client();
        ApiClient.Reply account = game.authenticate("device", "create=true&username=console-target",
                ApiClient.json(Map.of("id", "console-device-0123456789")));
        assertEquals(200, account.status(), account.toString());

        browser.get("http://127.0.0.1:" + server.consolePort()
                + "/console/?from=2026-03-01&to=2026-03-03");
        browser.findElement(By.id("email")).sendKeys(CONSOLE_EMAIL);
        browser.findElement(By.id("password")).sendKeys(CONSOLE_PASSWORD);
        browser.findElement(By.id("signin-button")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#days-table tbody tr")).size() == 3);
        waiting().until(d -> js("return window.Chart && Chart.getChart('chart-retention') ? 1 : 0").equals(1L));

        assertEquals(List.of(0L, 2L, 1L), js("return Chart.getChart('chart-sessions').data.datasets[0].data"));
        assertEquals(List.of(0L, 20L, 20L), js("return Chart.getChart('chart-length').data.datasets[0].data"));
        assertEquals(List.of(0L, 1L, 1L), js("return Chart.getChart('chart-dau').data.datasets[0].data"));
        // playtime per DAU on day 1: 40 minutes; active: 5 + 5 (each gap capped at 300 s)
        assertEquals(List.of(0L, 40L, 20L), js("return Chart.getChart('chart-playtime').data.datasets[0].data"));
        assertEquals(List.of(0L, 10L, 5L), js("return Chart.getChart('chart-playtime').data.datasets[1].data"));
        assertEquals(100L, js("return Chart.getChart('chart-retention').data.datasets[0].data[0]"));
        assertTrue((Long) js("return document.getElementById('chart-sessions').width") > 100, "the canvas is drawn");
        Path screenshot = Path.of("target", "console-dashboard.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(screenshot) > 10_000, "a screenshot with content");

        // the rebuild asks first (ingestion waits while it runs), then reports what it read
        browser.findElement(By.id("rebuild")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(d -> d.findElement(By.id("status")).getText().contains("Rebuil")
                && !d.findElement(By.id("status")).getText().startsWith("Rebuilding"));
        String rebuilt = browser.findElement(By.id("status")).getText();
        assertTrue(rebuilt.contains("Rebuilt from 3 sessions and "), rebuilt);
        assertEquals(List.of(0L, 2L, 1L), js("return Chart.getChart('chart-sessions').data.datasets[0].data"),
                "the rebuilt numbers are the incremental ones");

        browser.findElement(By.id("identity-id")).sendKeys(player);
        browser.findElement(By.cssSelector("#identity-form button")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#identity-view .session")).size() == 3);
        String unattached = browser.findElement(By.cssSelector("#identity-view .unattached")).getText();
        assertTrue(unattached.contains("purchase") && unattached.contains("no session of the identity within the grace period"), unattached);

        new Select(browser.findElement(By.id("account-by"))).selectByValue("device");
        browser.findElement(By.id("account-value")).sendKeys("console-device-0123456789");
        browser.findElement(By.cssSelector("#account-form button")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#account-view .active")).size() == 1);
        assertTrue(browser.findElement(By.id("account-view")).getText().contains("console-target"));
        browser.findElement(By.id("ban-toggle")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#account-view .banned")).size() == 1);
        ApiClient.Reply refused = game.authenticate("device", null, ApiClient.json(Map.of("id", "console-device-0123456789")));
        assertNotEquals(200, refused.status(), "a banned account cannot sign in: " + refused);

        browser.findElement(By.id("backup")).click();
        waiting().until(d -> d.findElement(By.id("backup-status")).getText().startsWith("Backup written to"));
        String status = browser.findElement(By.id("backup-status")).getText();
        Path folder = dataDir.resolve("backups").resolve(status.replaceAll(".*/(guildhall-[^ /]+) .*", "$1"));
        assertTrue(Files.exists(folder.resolve("guildhall.mv.db")), status);
    }
}
