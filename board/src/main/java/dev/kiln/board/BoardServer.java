package dev.kiln.board;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;

/**
 * The board's HTTP server, bound to the loopback address only: the page and its scripts from the
 * classpath (webjars included), and a small JSON API over a {@link RunSource}.
 *
 * <pre>
 * GET /api/runs                           [{name, graph, scalars:[tag], histograms:[tag], images:[tag]}]
 * GET /api/graph?run=R                    the run's graph JSON (GraphExport's format)
 * GET /api/scalars?run=R&amp;tag=T            [[step, wallTime, value], ...]
 * GET /api/histograms?run=R&amp;tag=T         [{step, min, max, limits:[..], counts:[..]}, ...]
 * GET /api/images?run=R&amp;tag=T             [step, ...]
 * GET /api/image?run=R&amp;tag=T&amp;index=I      the I-th image of the tag, image/png
 * </pre>
 */
public final class BoardServer implements AutoCloseable {
  private static final String STATIC = "dev/kiln/board/static/";
  private static final String WEBJARS = "META-INF/resources/webjars/";

  private final RunSource source;
  private final HttpServer server;

  private BoardServer(RunSource source, HttpServer server) {
    this.source = source;
    this.server = server;
  }

  /** Starts serving on 127.0.0.1:port; port 0 picks a free one. */
  public static BoardServer start(RunSource source, int port) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    BoardServer board = new BoardServer(source, http);
    http.createContext("/", board::handle);
    http.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "kiln-board");
      t.setDaemon(true);
      return t;
    }));
    http.start();
    return board;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        send(ex, 405, "text/plain", "only GET is served".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = ex.getRequestURI().getPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      try {
        if (path.equals("/") || path.equals("/index.html")) {
          resource(ex, STATIC + "index.html");
        } else if (path.startsWith("/static/")) {
          resource(ex, STATIC + path.substring("/static/".length()));
        } else if (path.startsWith("/webjars/")) {
          resource(ex, WEBJARS + path.substring("/webjars/".length()));
        } else if (path.startsWith("/api/")) {
          api(ex, path.substring("/api/".length()), q);
        } else {
          notFound(ex, "no page " + path);
        }
      } catch (IllegalArgumentException e) {
        send(ex, 400, "text/plain; charset=utf-8", e.getMessage().getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        // One sentence to the page; the board keeps serving.
        String msg = "Kiln Board could not answer " + path + ": " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        send(ex, 500, "text/plain; charset=utf-8", msg.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void api(HttpExchange ex, String endpoint, Map<String, String> q) throws IOException {
    switch (endpoint) {
      case "runs" -> json(ex, runs());
      case "graph" -> {
        var graph = source.graphJson(run(q));
        if (graph.isPresent()) {
          json(ex, graph.get());
        } else {
          notFound(ex, "run " + q.get("run") + " has no graph");
        }
      }
      case "scalars" -> {
        List<RunSource.Scalar> points = tagged(source.scalars(run(q)), q);
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (RunSource.Scalar s : points) {
          j.add("[" + s.step() + "," + Json.num(s.wallTime()) + "," + Json.num(s.value()) + "]");
        }
        json(ex, j.toString());
      }
      case "histograms" -> {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (RunSource.Histogram h : tagged(source.histograms(run(q)), q)) {
          j.add("{\"step\":" + h.step() + ",\"min\":" + Json.num(h.min()) + ",\"max\":" + Json.num(h.max())
              + ",\"limits\":" + Json.nums(h.limits()) + ",\"counts\":" + Json.nums(h.counts()) + "}");
        }
        json(ex, j.toString());
      }
      case "images" -> {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (RunSource.Image im : tagged(source.images(run(q)), q)) {
          j.add(Long.toString(im.step()));
        }
        json(ex, j.toString());
      }
      case "image" -> {
        List<RunSource.Image> images = tagged(source.images(run(q)), q);
        int index;
        try {
          index = Integer.parseInt(q.getOrDefault("index", ""));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("index must be a whole number, found " + q.get("index"));
        }
        if (index < 0 || index >= images.size()) {
          notFound(ex, "tag " + q.get("tag") + " has " + images.size() + " images, not index " + index);
        } else {
          send(ex, 200, "image/png", images.get(index).png());
        }
      }
      default -> notFound(ex, "no API endpoint " + endpoint);
    }
  }

  private String runs() {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (String run : source.runs()) {
      j.add("{\"name\":" + Json.str(run)
          + ",\"graph\":" + source.graphJson(run).isPresent()
          + ",\"scalars\":" + Json.strs(source.scalars(run).keySet())
          + ",\"histograms\":" + Json.strs(source.histograms(run).keySet())
          + ",\"images\":" + Json.strs(source.images(run).keySet()) + "}");
    }
    return j.toString();
  }

  private String run(Map<String, String> q) {
    String run = q.get("run");
    if (run == null || !source.runs().contains(run)) {
      throw new IllegalArgumentException("no run named " + run + "; runs are " + source.runs());
    }
    return run;
  }

  private static <T> List<T> tagged(Map<String, List<T>> byTag, Map<String, String> q) {
    String tag = q.get("tag");
    List<T> values = tag == null ? null : byTag.get(tag);
    if (values == null) {
      throw new IllegalArgumentException("no tag named " + tag + " in run " + q.get("run"));
    }
    return values;
  }

  private void resource(HttpExchange ex, String name) throws IOException {
    if (name.contains("..")) {
      notFound(ex, "no resource " + name);
      return;
    }
    try (InputStream in = BoardServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        notFound(ex, "no resource " + name);
        return;
      }
      send(ex, 200, contentType(name), in.readAllBytes());
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) return "text/html; charset=utf-8";
    if (name.endsWith(".js")) return "text/javascript; charset=utf-8";
    if (name.endsWith(".css")) return "text/css; charset=utf-8";
    if (name.endsWith(".png")) return "image/png";
    if (name.endsWith(".svg")) return "image/svg+xml";
    return "application/octet-stream";
  }

  private static void json(HttpExchange ex, String body) throws IOException {
    send(ex, 200, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void notFound(HttpExchange ex, String what) throws IOException {
    send(ex, 404, "text/plain; charset=utf-8", what.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }
}
