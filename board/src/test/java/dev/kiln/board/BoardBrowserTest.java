package dev.kiln.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The board in a real browser (Debian's headless Chromium through chromedriver) on a run produced
 * by the MNIST sample (event files written by the summaries module, read back by
 * {@link LogdirSource}). Skipped, saying why, where Chromium is not installed (.ci/run installs it).
 * Screenshots go to {@code <build dir>/screenshots/}.
 */
class BoardBrowserTest {
  static final File CHROMIUM = new File(System.getProperty("kiln.chromium", "/usr/bin/chromium"));
  static final File CHROMEDRIVER = new File(System.getProperty("kiln.chromedriver", "/usr/bin/chromedriver"));

  static MapRunSource run;
  static BoardServer board;
  static WebDriver driver;
  static Path shots;

  @BeforeAll
  static void start(@TempDir Path profile, @TempDir Path logdir) throws Exception {
    assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
        "Chromium and chromedriver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER
            + "): apt-get install chromium chromium-driver to run the board's browser test");
    shots = Path.of(System.getProperty("kiln.screenshots", "target/screenshots"));
    Files.createDirectories(shots);
    run = MnistRun.train(logdir);
    board = BoardServer.start(new LogdirSource(logdir), 0);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (board != null) {
      board.close();
    }
  }

  private static void open(String view) {
    driver.get(board.uri() + "#" + view);
    waitReady(view);
  }

  private static void waitReady(String view) {
    new WebDriverWait(driver, Duration.ofSeconds(30))
        .until(d -> view.equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
  }

  private static int intAttr(WebElement e, String name) {
    return Integer.parseInt(e.getDomAttribute(name));
  }

  private static void screenshot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(shots.resolve(name), png);
  }

  @Test
  void graphScopesExpandOnClickAndNodesShowTheirTypeOnHover() throws Exception {
    open("graph");
    WebElement svg = driver.findElement(By.id("graph"));
    int ops = intAttr(svg, "data-visible-ops");
    List<WebElement> scopes = driver.findElements(By.cssSelector("#graph g.scope"));
    assertTrue(scopes.stream().anyMatch(s -> "estimates".equals(s.getDomAttribute("data-scope"))),
        "the top-level scopes are collapsed boxes");

    driver.findElement(By.cssSelector("#graph g.scope[data-scope='estimates']")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(d -> !d.findElements(By.cssSelector("#graph g.cluster[data-scope='estimates']")).isEmpty());
    driver.findElement(By.cssSelector("#graph g.scope[data-scope='estimates/logits']")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(d -> !d.findElements(By.cssSelector("#graph g.op[data-name='estimates/logits/MatMul']")).isEmpty());
    int expanded = intAttr(driver.findElement(By.id("graph")), "data-visible-ops");
    assertTrue(expanded > ops, "expanding two scopes shows more op nodes: " + ops + " then " + expanded);

    WebElement matmul = driver.findElement(By.cssSelector("#graph g.op[data-name='estimates/logits/MatMul']"));
    new Actions(driver).moveToElement(matmul).perform();
    String tip = driver.findElement(By.id("tooltip")).getText();
    assertTrue(tip.contains("op: MatMul") && tip.contains("dtype: f32") && tip.contains("shape: [batch, 10]"),
        "hover shows op, dtype and shape: " + tip);
    screenshot("board-graph.png");

    // Collapsing the outer scope hides its nodes again.
    driver.findElement(By.cssSelector("#graph g.cluster[data-scope='estimates'] text")).click();
    assertEquals(ops, intAttr(driver.findElement(By.id("graph")), "data-visible-ops"));
  }

  @Test
  void scalarChartsHoldEveryLoggedPoint() throws Exception {
    open("scalars");
    for (String tag : run.scalars.keySet()) {
      WebElement chart = driver.findElement(By.cssSelector(".scalar-chart[data-tag='" + tag + "']"));
      int logged = run.scalars.get(tag).size();
      assertEquals(logged, intAttr(chart, "data-points"), tag);
      // The plot itself holds the points: x values and the raw series.
      Object held = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
          "return state.charts.find(c => c.plot.root.parentNode.dataset.tag === arguments[0]).plot.data[1].length", tag);
      assertEquals((long) logged, ((Number) held).longValue(), tag);
      assertTrue(chart.findElements(By.tagName("canvas")).size() == 1, "uPlot drew a canvas for " + tag);
    }
    assertEquals(MnistRun.STEPS, run.scalars.get("loss").size());
    // Smoothing changes the smoothed series, not the raw one.
    Object before = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return state.charts[0].plot.data[2][5]");
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
        "const s = document.getElementById('smoothing'); s.value = 0; s.dispatchEvent(new Event('input'));");
    Object raw = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return state.charts[0].plot.data[1][5]");
    Object after = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return state.charts[0].plot.data[2][5]");
    assertEquals(((Number) raw).doubleValue(), ((Number) after).doubleValue(), 1e-9, "no smoothing: smoothed = raw");
    assertTrue(((Number) before).doubleValue() != ((Number) raw).doubleValue(), "smoothing 0.6 moved the point");
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
        "const s = document.getElementById('smoothing'); s.value = 0.6; s.dispatchEvent(new Event('input'));");
    screenshot("board-scalars.png");
  }

  @Test
  void distributionsAndImagesShowEveryLoggedStep() throws Exception {
    open("histograms");
    WebElement hist = driver.findElement(By.cssSelector(".histogram-chart[data-tag='weights']"));
    assertEquals(run.histograms.get("weights").size(), intAttr(hist, "data-steps"));
    screenshot("board-histograms.png");

    open("images");
    WebElement panel = driver.findElement(By.cssSelector(".image-panel[data-tag='input/digit']"));
    assertEquals(run.images.get("input/digit").size(), intAttr(panel, "data-count"));
    WebElement img = panel.findElement(By.tagName("img"));
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
        ((Number) ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth", img)).intValue() == 28);
    screenshot("board-images.png");
  }
}
