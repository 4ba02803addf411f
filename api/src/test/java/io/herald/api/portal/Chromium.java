package io.herald.api.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's headless Chromium driven through its own chromedriver (both paths given, so Selenium
 * Manager never looks for or downloads a driver), with what the portal's tests need besides:
 * screenshots kept under {@code target/portal-screenshots}, axe-core's accessibility check run in
 * the page, and the browser's console for script errors and Content-Security-Policy violations.
 */
final class Chromium implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");
    private static final String BROWSER = System.getProperty("herald.test.chromium", "/usr/bin/chromium");
    private static final String DRIVER = System.getProperty("herald.test.chromedriver", "/usr/bin/chromedriver");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChromeDriver driver;
    private final Path profile;

    Chromium() {
        assertThat(Path.of(BROWSER)).as("the browser tests need Debian's chromium and chromium-driver "
                + "(apt-get install chromium chromium-driver)").isExecutable();
        assertThat(Path.of(DRIVER)).as("the browser tests need chromium-driver (apt-get install chromium-driver)").isExecutable();
        try {
            profile = Files.createTempDirectory("herald-portal-chromium-");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        // the machine's network is closed: everything that would call out in the background is off
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=en-GB", "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(DRIVER).toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 1000));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The visible text of the first element {@code css} selects, or "" while there is none. */
    String text(String css) {
        List<WebElement> found = findAll(css);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    void type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** Saves the whole page (the window stretched to its height) as {@code target/portal-screenshots/{name}.png}. */
    Path screenshot(String name) {
        long height = ((Number) script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")).longValue();
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(Math.max(height + 20, 800), 4000)));
        script("window.scrollTo(0, 0)");
        try {
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    /**
     * Runs axe-core (the WCAG 2 A and AA rules and best practices) on the page as it is now, keeps its
     * violations in {@code target/portal-screenshots/axe-{name}.json}, and answers those whose impact is
     * serious or critical, one line each.
     */
    List<String> seriousAccessibilityViolations(String name) {
        if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object'"))) {
            script(axeSource());
        }
        Object answer = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
                  .then(results => done(JSON.stringify(results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })))))
                  .catch(e => done(JSON.stringify({ error: String(e) })));
                """);
        String report = String.valueOf(answer);
        try {
            Files.writeString(SCREENSHOTS.resolve("axe-" + name + ".json"), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode violations = JSON.readTree(report);
        assertThat(violations.isArray()).as("axe-core ran: " + report).isTrue();
        List<String> serious = new ArrayList<>();
        for (JsonNode violation : violations) {
            String impact = violation.path("impact").asString("");
            if (impact.equals("serious") || impact.equals("critical")) {
                serious.add(impact + " " + violation.get("id").asString() + ": " + violation.get("help").asString() + " at "
                        + violation.get("nodes"));
            }
        }
        return serious;
    }

    /** Console entries that mean the page broke: uncaught script errors and Content-Security-Policy violations. */
    List<String> scriptErrorsAndPolicyViolations() {
        List<String> found = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            String message = entry.getMessage();
            if (message.contains("Content Security Policy") || message.contains("Uncaught") || message.contains("SyntaxError")) {
                found.add(message);
            }
        }
        return found;
    }

    private static String axeSource() {
        try (InputStream in = Chromium.class.getResourceAsStream("/axe.min.js")) {
            assertThat(in).as("axe.min.js from com.deque.html.axe-core:selenium on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
