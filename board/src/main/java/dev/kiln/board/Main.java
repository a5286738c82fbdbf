package dev.kiln.board;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code kiln board --logdir runs/ [--port 6006]} or {@code kiln board --model model.jar}: serves the
 * board on http://127.0.0.1:port/ until interrupted.
 */
public final class Main {
  private Main() {}

  static final String USAGE = "usage: kiln board (--logdir DIR | --model MODEL.jar | --model MODEL.graph.json) [--port N]";

  public static void main(String[] args) throws IOException, InterruptedException {
    RunSource source;
    int port;
    try {
      Options o = Options.parse(args);
      source = o.logdir() != null ? new LogdirSource(o.logdir()) : ModelGraphSource.open(o.model());
      port = o.port();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    BoardServer board;
    try {
      board = BoardServer.start(source, port);
    } catch (IOException e) {
      System.err.println("Kiln Board could not listen on 127.0.0.1:" + port + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println("Kiln Board at " + board.uri() + " (Ctrl-C to stop)");
    Thread.currentThread().join();
  }

  /** The command line: exactly one of --logdir and --model, and an optional port. */
  record Options(Path logdir, Path model, int port) {
    static Options parse(String[] args) {
      Path logdir = null;
      Path model = null;
      int port = 6006;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("board") && i == 0) {
          continue; // "kiln board ..." passes the sub-command through
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Kiln Board: " + a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--logdir" -> logdir = Path.of(v);
          case "--model" -> model = Path.of(v);
          case "--port" -> {
            try {
              port = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              port = -1;
            }
            if (port < 0 || port > 65535) {
              throw new IllegalArgumentException("Kiln Board: --port expects a number from 0 to 65535, found " + v);
            }
          }
          default -> throw new IllegalArgumentException("Kiln Board: unknown option " + a);
        }
      }
      if ((logdir == null) == (model == null)) {
        throw new IllegalArgumentException("Kiln Board: give exactly one of --logdir and --model");
      }
      return new Options(logdir, model, port);
    }
  }
}
