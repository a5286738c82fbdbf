package dev.kiln.runtime.nativecode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which ahead-of-time targets this machine runs, read from {@code /proc/cpuinfo} without LLVM
 * (the loader must work with no LLVM on the class path). Anything but Linux on x86-64 runs none.
 */
public final class HostCpu {
  private static volatile List<AotTarget> host;

  private HostCpu() {}

  /** The targets this host runs, best first (read once). */
  public static List<AotTarget> targets() {
    List<AotTarget> t = host;
    if (t == null) {
      t = readTargets();
      host = t;
    }
    return t;
  }

  private static List<AotTarget> readTargets() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return List.of();
    }
    try {
      return targets(Files.readString(Path.of("/proc/cpuinfo")));
    } catch (IOException | RuntimeException e) {
      return List.of(); // no way to tell: the JIT (or Java) runs the model instead
    }
  }

  /** The targets a CPU whose {@code /proc/cpuinfo} reads {@code cpuinfo} runs, best first. */
  static List<AotTarget> targets(String cpuinfo) {
    Set<String> flags = flags(cpuinfo);
    List<AotTarget> runs = new ArrayList<>();
    AotTarget[] all = AotTarget.values();
    for (int i = all.length - 1; i >= 0; i--) {
      if (all[i].runsOn(flags)) {
        runs.add(all[i]);
      }
    }
    return List.copyOf(runs);
  }

  /** The first processor's {@code flags} line; every core of one machine reports the same. */
  static Set<String> flags(String cpuinfo) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equals("flags")) {
        return new HashSet<>(Arrays.asList(line.substring(colon + 1).strip().split("\\s+")));
      }
    }
    return Set.of();
  }
}
