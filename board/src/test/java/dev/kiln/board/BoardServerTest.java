package dev.kiln.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's API and sources without a browser. */
class BoardServerTest {
  static final String GRAPH = "{\"package\":\"demo\",\"model\":\"Tiny\",\"nodes\":[],\"entryPoints\":[]}";

  private static HttpResponse<String> get(BoardServer board, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(board.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void opensTheGraphResourceOfAModelJarWithoutATrainingRun(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("model.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("demo/Tiny.graph.json"));
      out.write(GRAPH.getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new JarEntry("demo/Tiny.class"));
    }
    try (BoardServer board = BoardServer.start(ModelGraphSource.open(jar), 0)) {
      assertEquals("127.0.0.1", board.uri().getHost());
      String runs = get(board, "/api/runs").body();
      assertEquals("[{\"name\":\"demo.Tiny\",\"graph\":true,\"scalars\":[],\"histograms\":[],\"images\":[]}]", runs);
      assertEquals(GRAPH, get(board, "/api/graph?run=demo.Tiny").body());
      HttpResponse<String> missing = get(board, "/api/scalars?run=demo.Tiny&tag=loss");
      assertEquals(400, missing.statusCode());
      assertEquals("no tag named loss in run demo.Tiny", missing.body());
      assertEquals(400, get(board, "/api/graph?run=nope").statusCode());
      // The page and the libraries it loads come from the classpath.
      assertTrue(get(board, "/").body().contains("/webjars/dagre/0.8.4/dist/dagre.min.js"));
      assertEquals(200, get(board, "/webjars/dagre/0.8.4/dist/dagre.min.js").statusCode());
      assertEquals(200, get(board, "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode());
      assertEquals(200, get(board, "/static/board.js").statusCode());
      assertEquals(404, get(board, "/static/../BoardServer.class").statusCode());
    }
  }

  @Test
  void servesScalarsOfARunSource() throws Exception {
    MapRunSource run = new MapRunSource("r");
    run.scalars.put("loss", List.of(new RunSource.Scalar(0, 1.5, 2.0), new RunSource.Scalar(1, 2.5, Double.NaN)));
    try (BoardServer board = BoardServer.start(run, 0)) {
      assertEquals("[[0,1.5,2],[1,2.5,null]]", get(board, "/api/scalars?run=r&tag=loss").body());
    }
  }

  @Test
  void badCommandLinesAndFilesAreOneSentence(@TempDir Path dir) throws Exception {
    assertEquals("Kiln Board: give exactly one of --logdir and --model",
        assertThrows(IllegalArgumentException.class, () -> Main.Options.parse(new String[] {"board"})).getMessage());
    assertEquals("Kiln Board: --port expects a number from 0 to 65535, found x",
        assertThrows(IllegalArgumentException.class,
            () -> Main.Options.parse(new String[] {"--logdir", "runs", "--port", "x"})).getMessage());
    assertEquals(6006, Main.Options.parse(new String[] {"board", "--logdir", "runs"}).port());
    Path empty = dir.resolve("empty.jar");
    try (OutputStream out = new JarOutputStream(Files.newOutputStream(empty))) {
      out.flush();
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelGraphSource.open(empty))
        .getMessage().contains("holds no .graph.json graph resource"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LogdirSource(dir.resolve("none")))
        .getMessage().contains("expects a directory"));
  }
}
