package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * The built-in optimizers, each a record whose kind and hyper-parameters generated trainers read
 * to compile the update into the training step; the {@link OptimizerState}s here are the reference
 * implementation those compiled updates are tested against. Update rules follow PyTorch's defaults (the reference accuracies in the
 * project notes were measured with PyTorch):
 *
 * <ul>
 *   <li>{@code sgd}: {@code p -= lr * g}
 *   <li>{@code momentum}: {@code v = momentum * v + g; p -= lr * v}
 *   <li>{@code adam}: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
 *       p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}, {@code t} counting steps from 1
 *   <li>{@code rmsProp}: {@code s = rho s + (1-rho) g²; p -= lr * g / (sqrt(s) + eps)}
 * </ul>
 *
 * <p>Each can clip gradients by their global norm first: {@code Optimizers.sgd(0.1f).clipByGlobalNorm(5f)}.
 */
public final class Optimizers {
  private Optimizers() {}

  public static Sgd sgd(float lr) {
    checkRate(lr);
    return new Sgd(lr, NO_CLIP);
  }

  public static Momentum momentum(float lr, float momentum) {
    checkRate(lr);
    return new Momentum(lr, momentum, NO_CLIP);
  }

  public static Adam adam(float lr) {
    return adam(lr, 0.9f, 0.999f, 1e-8f);
  }

  public static Adam adam(float lr, float beta1, float beta2, float eps) {
    checkRate(lr);
    return new Adam(lr, beta1, beta2, eps, NO_CLIP);
  }

  public static RmsProp rmsProp(float lr) {
    return rmsProp(lr, 0.99f, 1e-8f);
  }

  public static RmsProp rmsProp(float lr, float rho, float eps) {
    checkRate(lr);
    return new RmsProp(lr, rho, eps, NO_CLIP);
  }

  /** The clip threshold meaning "never clip". */
  public static final float NO_CLIP = Float.POSITIVE_INFINITY;

  /**
   * A built-in optimizer: its kind and hyper-parameters are visible, so a generated trainer can
   * compile its update into the training step (the classes below stay the reference those
   * compiled updates are tested against). {@code clipNorm} is the global-norm threshold of
   * {@link #clipByGlobalNorm}, or {@link #NO_CLIP}.
   */
  public sealed interface BuiltIn extends Optimizer permits Sgd, Momentum, Adam, RmsProp {
    float lr();

    float clipNorm();

    /**
     * The same optimizer with every step's gradients scaled by {@code maxNorm / norm} when their
     * global norm (the L2 norm of all gradients of the step together) exceeds {@code maxNorm}, as
     * TensorFlow's {@code clip_by_global_norm}.
     */
    BuiltIn clipByGlobalNorm(float maxNorm);
  }

  /** {@code p -= lr * g}. */
  public record Sgd(float lr, float clipNorm) implements BuiltIn {
    @Override
    public Sgd clipByGlobalNorm(float maxNorm) {
      return new Sgd(lr, checkClip(maxNorm));
    }

    @Override
    public OptimizerState init(List<NDArray> params) {
      return new Base(params, 0, clipNorm) {
        @Override
        void apply(int index, float[] p, float[] g) {
          for (int i = 0; i < p.length; i++) p[i] -= lr * g[i];
        }
      };
    }

    @Override
    public String describe() {
      return "sgd(lr=" + lr + ")" + clipSuffix(clipNorm);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** {@code v = momentum * v + g; p -= lr * v}. */
  public record Momentum(float lr, float momentum, float clipNorm) implements BuiltIn {
    @Override
    public Momentum clipByGlobalNorm(float maxNorm) {
      return new Momentum(lr, momentum, checkClip(maxNorm));
    }

    @Override
    public OptimizerState init(List<NDArray> params) {
      return new Base(params, 1, clipNorm) {
        @Override
        void apply(int index, float[] p, float[] g) {
          float[] v = slots[index][0];
          for (int i = 0; i < p.length; i++) {
            v[i] = momentum * v[i] + g[i];
            p[i] -= lr * v[i];
          }
        }
      };
    }

    @Override
    public String describe() {
      return "momentum(lr=" + lr + ", momentum=" + momentum + ")" + clipSuffix(clipNorm);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** Adam with bias correction; {@code t} counts steps from 1. */
  public record Adam(float lr, float beta1, float beta2, float eps, float clipNorm) implements BuiltIn {
    @Override
    public Adam clipByGlobalNorm(float maxNorm) {
      return new Adam(lr, beta1, beta2, eps, checkClip(maxNorm));
    }

    @Override
    public OptimizerState init(List<NDArray> params) {
      return new Base(params, 2, clipNorm) {
        long step = 0; // completed steps

        @Override
        void apply(int index, float[] p, float[] g) {
          long t = step + 1;
          double c1 = 1 - Math.pow(beta1, t);
          double c2 = 1 - Math.pow(beta2, t);
          float[] m = slots[index][0];
          float[] v = slots[index][1];
          for (int i = 0; i < p.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / c1;
            double vHat = v[i] / c2;
            p[i] -= (float) (lr * mHat / (Math.sqrt(vHat) + eps));
          }
        }

        @Override
        public void endStep() {
          step++;
        }
      };
    }

    @Override
    public String describe() {
      return "adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")"
          + clipSuffix(clipNorm);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** {@code s = rho s + (1-rho) g²; p -= lr * g / (sqrt(s) + eps)}. */
  public record RmsProp(float lr, float rho, float eps, float clipNorm) implements BuiltIn {
    @Override
    public RmsProp clipByGlobalNorm(float maxNorm) {
      return new RmsProp(lr, rho, eps, checkClip(maxNorm));
    }

    @Override
    public OptimizerState init(List<NDArray> params) {
      return new Base(params, 1, clipNorm) {
        @Override
        void apply(int index, float[] p, float[] g) {
          float[] s = slots[index][0];
          for (int i = 0; i < p.length; i++) {
            s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
            p[i] -= (float) (lr * g[i] / (Math.sqrt(s[i]) + eps));
          }
        }
      };
    }

    @Override
    public String describe() {
      return "rmsProp(lr=" + lr + ", rho=" + rho + ", eps=" + eps + ")" + clipSuffix(clipNorm);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /**
   * The factor every gradient of a step is multiplied by under {@code clipByGlobalNorm(clipNorm)}:
   * {@code clipNorm / norm} when the global norm (accumulated in double, gradient by gradient, in
   * order) exceeds {@code clipNorm}, else exactly 1. Generated trainers compute the same sum in
   * the same order, so both give the same float.
   */
  public static float globalNormScale(float clipNorm, List<float[]> grads) {
    if (clipNorm == NO_CLIP) {
      return 1f;
    }
    double sumSquares = 0;
    for (float[] g : grads) {
      for (float x : g) sumSquares += (double) x * x;
    }
    double norm = Math.sqrt(sumSquares);
    return norm > clipNorm ? (float) (clipNorm / norm) : 1f;
  }

  private static float checkClip(float maxNorm) {
    if (!(maxNorm > 0) || Float.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("the global-norm threshold must be a positive number, got " + maxNorm);
    }
    return maxNorm;
  }

  private static String clipSuffix(float clipNorm) {
    return clipNorm == NO_CLIP ? "" : ".clipByGlobalNorm(" + clipNorm + ")";
  }

  private static void checkRate(float lr) {
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
    }
  }

  /** Shape and dtype checks, and per-parameter slot arrays. */
  private abstract static class Base implements OptimizerState {
    final int[][] shapes;
    final float[][][] slots;
    final float clipNorm;

    Base(List<NDArray> params, int slotCount, float clipNorm) {
      this.clipNorm = clipNorm;
      shapes = new int[params.size()][];
      slots = new float[params.size()][slotCount][];
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        if (p.dtype() != DType.F32) {
          throw new IllegalArgumentException(
              "optimizers update f32 parameters; parameter " + i + " is " + p.shapeString());
        }
        shapes[i] = p.shape();
        for (int s = 0; s < slotCount; s++) slots[i][s] = new float[p.size()];
      }
    }

    abstract void apply(int index, float[] p, float[] g);

    @Override
    public final void update(int paramIndex, NDArray param, NDArray grad) {
      if (paramIndex < 0 || paramIndex >= shapes.length) {
        throw new IndexOutOfBoundsException(
            "parameter index " + paramIndex + " is out of range; the optimizer was set up for "
                + shapes.length + " parameters");
      }
      if (param.dtype() != DType.F32 || !Arrays.equals(param.shape(), shapes[paramIndex])) {
        throw new IllegalArgumentException(
            "parameter " + paramIndex + " is " + param.shapeString() + ", the optimizer was set up for f32"
                + Arrays.toString(shapes[paramIndex]));
      }
      if (grad.dtype() != DType.F32 || !Arrays.equals(grad.shape(), shapes[paramIndex])) {
        throw new IllegalArgumentException(
            "the gradient of parameter " + paramIndex + " is " + grad.shapeString()
                + ", expected f32" + Arrays.toString(shapes[paramIndex]));
      }
      apply(paramIndex, param.floats(), grad.floats());
    }

    /** Clips by global norm (when configured), then updates every parameter and ends the step. */
    @Override
    public final void step(List<NDArray> params, List<NDArray> grads) {
      List<float[]> data = new java.util.ArrayList<>(grads.size());
      for (NDArray g : grads) data.add(g.floats());
      float scale = globalNormScale(clipNorm, data);
      for (int i = 0; i < params.size(); i++) {
        NDArray g = grads.get(i);
        if (scale != 1f) {
          NDArray scaled = g.copy();
          float[] s = scaled.floats();
          for (int k = 0; k < s.length; k++) s[k] *= scale;
          g = scaled;
        }
        update(i, params.get(i), g);
      }
      endStep();
    }
  }
}
