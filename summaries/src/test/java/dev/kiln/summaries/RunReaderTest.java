package dev.kiln.summaries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Summaries;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {
  @TempDir Path logdir;

  private static Summaries step(float loss) {
    return new Summaries()
        .put("loss", Summaries.Kind.SCALAR, NDArray.scalar(loss))
        .put("w", Summaries.Kind.HISTOGRAM, NDArray.of(new float[] {loss, 2 * loss}, 2))
        .put("img", Summaries.Kind.IMAGE, NDArray.of(new float[] {0, 1, 0.5f, 1}, 2, 2));
  }

  @Test
  void readsEveryRunWithScalarsHistogramsImagesAndGraph() throws Exception {
    try (Recorder rec = Recorder.create(logdir.resolve("a"), 10)) {
      rec.writer().addGraph(GraphDefs.fromJson(TensorFlowReadsOurBytesTest.GRAPH_JSON));
      int fetches = 0;
      for (int stepNo = 0; stepNo < 25; stepNo++) {
        float loss = 1f / (stepNo + 1);
        int[] count = {0};
        rec.record(stepNo, () -> {
          count[0]++;
          return step(loss);
        });
        fetches += count[0];
      }
      assertEquals(3, fetches); // steps 0, 10, 20: the fetch runs only when due
    }
    try (EventFileWriter w = EventFileWriter.create(logdir.resolve("b/nested"))) {
      w.addScalar("loss", 5, 3.0);
    }
    List<RunReader.Run> runs = RunReader.read(logdir, w -> { throw new AssertionError(w); });
    assertEquals(List.of("a", "b/nested"), runs.stream().map(RunReader.Run::name).toList());
    RunReader.Run a = runs.get(0);
    assertEquals(List.of(0L, 10L, 20L), a.scalars().get("loss").stream().map(RunReader.ScalarPoint::step).toList());
    assertEquals(1f / 11, a.scalars().get("loss").get(1).value());
    RunReader.Histogram h = a.histograms().get("w").get(0).histogram();
    assertEquals(2.0, h.count());
    assertEquals(2.0, h.max());
    RunReader.ImagePoint ip = a.images().get("img/image").get(2);
    assertEquals(20, ip.step());
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(ip.png()));
    assertEquals(2, img.getWidth());
    assertEquals(255, img.getRaster().getSample(1, 0, 0));
    assertEquals(128, img.getRaster().getSample(0, 1, 0));
    assertEquals(4, a.graph().orElseThrow().getNodeCount());
    assertEquals(3.0f, runs.get(1).scalars().get("loss").getFirst().value());
    assertTrue(a.warnings().isEmpty());
  }

  @Test
  void aDamagedFileIsSkippedWithOneWarningAndTheRestStillShows() throws Exception {
    Path f1;
    try (EventFileWriter w = EventFileWriter.create(logdir.resolve("run"))) {
      for (int i = 0; i < 5; i++) {
        w.addScalar("loss", i, i);
      }
      f1 = w.file();
    }
    byte[] bytes = Files.readAllBytes(f1);
    // Corrupt the last byte of data of the third scalar record and cut the file inside the last.
    int[] ends = recordEnds(bytes);
    bytes[ends[3] - 5] ^= 0x10;
    Files.write(f1, Arrays.copyOf(bytes, bytes.length - 3));
    try (EventFileWriter w = EventFileWriter.create(logdir.resolve("other"))) {
      w.addScalar("acc", 1, 0.5);
    }
    List<String> warnings = new ArrayList<>();
    List<RunReader.Run> runs = RunReader.read(logdir, warnings::add);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.getFirst().contains("1 record fails its data CRC"), warnings.getFirst());
    assertTrue(warnings.getFirst().contains("it ends inside the record"), warnings.getFirst());
    RunReader.Run run = runs.stream().filter(r -> r.name().equals("run")).findFirst().orElseThrow();
    assertEquals(List.of(0L, 1L, 3L), run.scalars().get("loss").stream().map(RunReader.ScalarPoint::step).toList());
    assertEquals(1, run.warnings().size());
    assertEquals(0.5f, runs.stream().filter(r -> r.name().equals("other")).findFirst().orElseThrow()
        .scalars().get("acc").getFirst().value());
  }

  /** The end offset of each record in a TFRecord file. */
  static int[] recordEnds(byte[] file) {
    List<Integer> ends = new ArrayList<>();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int pos = 0;
    while (pos < file.length) {
      long len = b.getLong(pos);
      pos += 12 + (int) len + 4;
      ends.add(pos);
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }
}
