package dev.kiln.codegen.llvm;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What the LLVM backend's random kernels draw from, in Java: hand it to the reference interpreter
 * ({@code new Interpreter(feeds, variables, new LlvmGenerator(seed))}) to get the values an entry
 * point called with that seed computes. {@code nextLong}, {@code nextInt}, {@code nextDouble} and
 * {@code nextInt(bound)} are {@code new SplittableRandom(seed)}'s, so uniform draws, dropout masks
 * and shuffles match the Java backend's generator algorithm bit for bit. {@code nextGaussian} is
 * Marsaglia's polar method over {@code nextDouble}: {@code SplittableRandom}'s own is a ziggurat
 * whose tables are internal to the JDK, so the native code cannot share it. Normal draws then
 * agree with the native ones up to the last bit of {@code Math.log} versus the C library's
 * {@code log} (both within an ulp of exact; an f32 result rounds that away almost always).
 */
public final class LlvmGenerator implements RandomGenerator {
  private final SplittableRandom random;

  public LlvmGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public long nextLong() {
    return random.nextLong();
  }

  @Override
  public int nextInt() {
    return random.nextInt();
  }

  @Override
  public double nextDouble() {
    return random.nextDouble();
  }

  @Override
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  @Override
  public double nextGaussian() {
    double v1;
    double s;
    do {
      v1 = 2 * nextDouble() - 1;
      double v2 = 2 * nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s == 0);
    return v1 * Math.sqrt(-2 * Math.log(s) / s);
  }
}
