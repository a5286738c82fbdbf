package dev.kiln.runtime.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which packaged targets a CPU runs, read from its {@code /proc/cpuinfo} flags, best first. */
class HostCpuTest {
  @Test
  void hostTargetsComeFromTheCpuFlags() {
    String avx512 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 bmi1 bmi2 f16c fma abm movbe avx512f avx512bw"
        + " avx512cd avx512dq avx512vl\n\nprocessor\t: 1\n";
    assertEquals(List.of(AotTarget.X86_64_V4, AotTarget.X86_64_V3), HostCpu.targets(avx512));
    assertEquals(List.of(AotTarget.X86_64_V3),
        HostCpu.targets("flags : fpu avx avx2 bmi1 bmi2 f16c fma abm movbe avx512f\n"));
    assertEquals(List.of(), HostCpu.targets("flags : fpu sse2 avx\n"));
    assertEquals(List.of(), HostCpu.targets(""));
  }
}
