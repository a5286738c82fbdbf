package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.Backend;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This sample builds with {@code -Akiln.aot=x86-64-v3,x86-64-v4}, so its jar carries
 * {@code MnistSoftmax.x86-64-v3.so} and {@code .x86-64-v4.so}. The proof that they need only
 * kiln-runtime: a child JVM whose class path has neither kiln-runtime-llvm nor a bytedeco jar trains
 * the model on {@code Backend.LLVM} and gets the Java backend's losses.
 */
class MnistSoftmaxAotTest {
  private static final int STEPS = 5;

  @TempDir Path cache;

  @Test
  void theJarCarriesALibraryPerTarget() {
    assertNotNull(MnistSoftmaxCompiled.class.getResource("MnistSoftmax.x86-64-v3.so"));
    assertNotNull(MnistSoftmaxCompiled.class.getResource("MnistSoftmax.x86-64-v4.so"));
  }

  @Test
  void aJvmWithoutLlvmTrainsFromThePackagedLibrary() throws IOException, InterruptedException {
    assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2"), "this CPU runs neither packaged target");
    // kiln-runtime-llvm is runtime-llvm/<target>/classes in Kiln's reactor, a kiln-runtime-llvm jar elsewhere.
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("bytedeco") && !e.contains("runtime-llvm"))
        .collect(Collectors.joining(File.pathSeparator));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", classPath, AotTraining.class.getName(), "llvm",
        String.valueOf(STEPS));
    pb.environment().put("KILN_CACHE", cache.toString()); // the library is copied out of the jar here
    Process child = pb.start();
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child JVM did not finish");
    assertEquals(0, child.exitValue(), "child JVM failed:\n" + out + err);
    assertTrue(err.contains("from the ahead-of-time library dev/kiln/samples/mnist/MnistSoftmax.x86-64-v"),
        "no log line naming the packaged library:\n" + err);

    List<Float> aot = new ArrayList<>();
    for (String line : out.lines().toList()) {
      assertTrue(line.startsWith("loss "), "child JVM printed: " + out);
      aot.add(Float.parseFloat(line.substring(5)));
    }
    float[] java = AotTraining.losses(Backend.JAVA, STEPS);
    assertEquals(STEPS, aot.size(), out);
    for (int i = 0; i < STEPS; i++) {
      float n = aot.get(i);
      assertTrue(Math.abs(java[i] - n) <= 1e-4 * Math.abs(java[i]), "step " + i + ": Java loss " + java[i]
          + ", packaged library loss " + n);
    }
    assertTrue(aot.getLast() < aot.getFirst(), "losses " + aot);
  }
}
