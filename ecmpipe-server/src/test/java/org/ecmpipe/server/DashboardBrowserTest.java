package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ecmpipe.server.DashboardFixture.HOSTILE_CLIENT;
import static org.ecmpipe.server.DashboardFixture.HOSTILE_PROJECT;
import static org.ecmpipe.server.DashboardFixture.NOW_TEXT;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (ChromeDriver at /usr/bin/chromedriver, Chromium at /usr/bin/chromium)
 * against a real server on 127.0.0.1 with real submissions ({@link DashboardFixture}): filters through the form, page
 * links and details pages by clicking, progress bars as laid out, P/C labels, "stage 1 only", and hostile project and
 * client names shown as text, never run. Without ChromeDriver the test is skipped locally and fails in CI
 * ({@code CI=true}; .ci/run installs chromium and chromium-driver).
 */
class DashboardBrowserTest extends OnEveryDatabase {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static ChromeDriverService service;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must run the browser tests: " + CHROMEDRIVER + " and " + CHROMIUM
                    + " are required (apt-get install -y chromium chromium-driver; see .ci/run)");
        }
        Assumptions.assumeTrue(present, "no " + CHROMEDRIVER + " or " + CHROMIUM + ": browser tests skipped (they run in CI)");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1200");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).implicitlyWait(Duration.ZERO);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    private DashboardFixture fill(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), DashboardFixture.clock());
        return DashboardFixture.fill(s);
    }

    private void open(String path) {
        browser.get(s.base + path);
    }

    /**
     * Clicks and waits until the next page has replaced this one (a click does not wait for the navigation). The old
     * page is marked with a script variable that the new page does not have. Asking whether an element of the old page
     * is stale (ExpectedConditions.stalenessOf) is not used: while Chromium swaps documents, ChromeDriver can answer
     * "unhandled inspector error: Node with given id does not belong to the document" instead of "stale element", which
     * failed a CI run. Errors while the navigation is under way are retried until the wait's limit.
     */
    private void follow(WebElement element) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.ecmpipeOldPage = true;");
        element.click();
        new WebDriverWait(browser, Duration.ofSeconds(60)).ignoring(WebDriverException.class)
                .until(b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript(
                        "return window.ecmpipeOldPage === undefined && document.readyState === 'complete';")));
    }

    private void submitFilters() {
        follow(browser.findElement(By.cssSelector("#filters button")));
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#composites tr[data-id]"));
    }

    private String summary() {
        return browser.findElement(By.id("summary")).getText();
    }

    private void assertNoAlert() {
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void overviewShowsCountsBarsAndHostileNamesAsText(TestDatabases.Kind kind) throws Exception {
        DashboardFixture f = fill(kind);
        open("/");
        assertNoAlert();
        assertThat(browser.getTitle()).isEqualTo("ecmpipe results - ecmpipe");
        assertThat(browser.findElement(By.id("counts")).getText()).contains("composites: 63", "unfactored: 61", "fully factored: 1",
                "prime: 1", "active leases: 1");
        WebElement hostileRow = browser.findElement(By.cssSelector("#composites tr[data-id='" + f.hostileId + "']"));
        assertThat(hostileRow.findElement(By.className("project")).getText()).isEqualTo(HOSTILE_PROJECT);
        // the bar's filled part is as wide as the t-level's share of the target
        WebElement bar = hostileRow.findElement(By.className("bar"));
        double ratio = Double.parseDouble(bar.getAttribute("data-ratio"));
        assertThat(ratio).isGreaterThan(0);
        double filled = bar.findElement(By.tagName("div")).getSize().getWidth() / (double) bar.getSize().getWidth();
        assertThat(filled).isBetween(ratio - 0.05, ratio + 0.05);
        assertThat(hostileRow.getText()).containsPattern("t\\d+\\.\\d\\d / t16\\.9");
        assertThat(browser.findElement(By.id("hosts")).getText()).contains(HOSTILE_CLIENT);
        assertThat(browser.findElement(By.id("factors")).getText()).contains(HOSTILE_CLIENT, NOW_TEXT, "P12");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void filtersPagesAndDetailsByClicking(TestDatabases.Kind kind) throws Exception {
        DashboardFixture f = fill(kind);
        open("/");
        follow(browser.findElement(By.linkText("Composites")));
        assertThat(summary()).isEqualTo("63 composites; page 1 of 2.");

        browser.findElement(By.name("project")).sendKeys("bulk");
        submitFilters();
        assertThat(browser.getCurrentUrl()).contains("project=bulk");
        assertThat(summary()).isEqualTo("60 composites in project bulk; page 1 of 2.");
        assertThat(rows()).hasSize(50);
        assertThat(rows().getFirst().getAttribute("data-id")).isEqualTo(Long.toString(f.stage1OnlyId));
        assertThat(rows().getFirst().findElement(By.className("work")).getText()).isEqualTo("11000, stage 1 only: 24");

        follow(browser.findElement(By.cssSelector("nav.pages a.next")));
        assertThat(browser.getCurrentUrl()).contains("project=bulk", "page=2");
        assertThat(summary()).isEqualTo("60 composites in project bulk; page 2 of 2.");
        assertThat(rows()).hasSize(10);
        assertThat(browser.findElement(By.cssSelector("nav.pages .current")).getText()).isEqualTo("2");
        follow(browser.findElement(By.cssSelector("nav.pages a.prev")));
        assertThat(rows().getFirst().getAttribute("data-id")).isEqualTo(Long.toString(f.stage1OnlyId));

        // details by clicking: the stage-1-only work says so
        follow(rows().getFirst().findElement(By.cssSelector("a.details")));
        assertThat(browser.getCurrentUrl()).endsWith("/composites/" + f.stage1OnlyId);
        List<WebElement> b2 = browser.findElements(By.cssSelector("#work td.b2"));
        assertThat(b2).extracting(WebElement::getText).containsExactly("stage 1 only");
        assertThat(browser.findElement(By.id("attempts")).getText()).contains("stage 1 only").doesNotContain("default");

        // status filter through the form: a prime number is "prime", not "fully factored"
        follow(browser.findElement(By.linkText("Composites")));
        new Select(browser.findElement(By.name("status"))).selectByValue("prime");
        submitFilters();
        assertThat(browser.getCurrentUrl()).contains("status=prime");
        assertThat(rows()).hasSize(1);
        WebElement prime = rows().getFirst();
        assertThat(prime.findElement(By.className("status")).getText()).isEqualTo("prime");
        assertThat(prime.getText()).contains("P19 " + DashboardFixture.PRIME).doesNotContain("fully factored");

        new Select(browser.findElement(By.name("status"))).selectByValue("fully_factored");
        submitFilters();
        assertThat(rows()).hasSize(1);
        WebElement factored = rows().getFirst();
        assertThat(factored.findElement(By.className("cofactor")).getText()).isEqualTo("P40");
        assertThat(factored.findElement(By.className("status")).getText()).isEqualTo("fully factored");

        // the hostile project through the form: shown as text, its composite's details reached by clicking
        browser.findElement(By.name("project")).clear();
        browser.findElement(By.name("project")).sendKeys(HOSTILE_PROJECT);
        new Select(browser.findElement(By.name("status"))).selectByValue("");
        submitFilters();
        assertNoAlert();
        assertThat(summary()).isEqualTo("1 composite in project " + HOSTILE_PROJECT + "; page 1 of 1.");
        assertThat(rows().getFirst().findElement(By.className("cofactor")).getText()).startsWith("C55");
        follow(rows().getFirst().findElement(By.cssSelector("a.details")));
        assertNoAlert();
        assertThat(browser.getCurrentUrl()).endsWith("/composites/" + f.hostileId);
        String factors = browser.findElement(By.id("factors")).getText();
        assertThat(factors).contains(ServerHarness.P.toString(), "P12", NOW_TEXT, HOSTILE_CLIENT, "ecm B1=11000 B2=1873422", "3:12345");
        assertThat(browser.findElement(By.id("work")).getText()).containsPattern("ecm 11000 1873422 3 1 24 t\\d+\\.\\d\\d");

        follow(browser.findElement(By.linkText("Leases and hosts")));
        assertThat(summary()).startsWith("1 active lease;");
        assertThat(browser.findElement(By.id("leases")).getText()).contains(HOSTILE_CLIENT);
        assertNoAlert();

        open("/composites/999999");
        assertThat(browser.findElement(By.className("error")).getText()).isEqualTo("There is no composite #999999.");
        open("/composites?page=abc");
        assertThat(browser.findElement(By.className("error")).getText()).contains("page must be a whole number");
    }
}
