package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

class BuildReportTest {

  @Test
  void theProcessorWritesASelfContainedReportBesideTheGeneratedSources() throws IOException {
    Compilation c = KilnProcessorTest.compile(Models.mnist());
    assertThat(c).succeeded();
    String html = c.generatedFile(StandardLocation.SOURCE_OUTPUT, "demo", "MnistSoftmax.report.html")
        .orElseThrow().getCharContent(true).toString();
    assertThat(c.generatedFile(StandardLocation.CLASS_OUTPUT, "demo", "MnistSoftmax.report.html")).isEmpty();

    assertThat(html).contains("<b>7850</b> trainable parameters"); // 784·10 + 10
    assertThat(html).contains("taken as <b>100</b>");
    // Opens from disk: nothing to fetch.
    assertThat(html).doesNotContain("<script");
    assertThat(html).doesNotContain("src=");
    assertThat(html).doesNotContain("href=");

    long estimates = figure(html, "estimates</td><td>fetch", "data-flops");
    long train = figure(html, "loss</td><td>training step", "data-flops");
    assertThat(estimates).isAtLeast(2L * 100 * 784 * 10); // the forward matmul at batch 100
    assertThat(train).isAtLeast(2 * 2L * 100 * 784 * 10); // forward and weight-gradient matmuls
    // The training step keeps at least the [100, 10] f32 gradient of the logits alive.
    assertThat(figure(html, "loss</td><td>training step", "data-bytes")).isAtLeast(100L * 10 * 4);
    // The graph: top-level scopes are boxes, inputs and variables their own nodes.
    assertThat(html).contains("<svg");
    assertThat(html).contains(">gradients</text>");
    assertThat(html).contains(">examples</text>");
  }

  /** The number in the given data attribute of the row starting with {@code entry} cells. */
  private static long figure(String html, String entry, String attr) {
    Matcher m = Pattern.compile("<tr><td>" + entry + "</td>[^\\n]*?" + attr + "=\"(\\d+)\"").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no " + attr + " for " + entry + " in\n" + html);
    }
    return Long.parseLong(m.group(1));
  }
}
