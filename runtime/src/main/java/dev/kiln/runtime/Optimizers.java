package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * The built-in optimizers. Update rules follow PyTorch's defaults (the reference accuracies in the
 * project notes were measured with PyTorch):
 *
 * <ul>
 *   <li>{@code sgd}: {@code p -= lr * g}
 *   <li>{@code momentum}: {@code v = momentum * v + g; p -= lr * v}
 *   <li>{@code adam}: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
 *       p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}, {@code t} counting steps from 1
 *   <li>{@code rmsProp}: {@code s = rho s + (1-rho) g²; p -= lr * g / (sqrt(s) + eps)}
 * </ul>
 */
public final class Optimizers {
  private Optimizers() {}

  public static Optimizer sgd(float lr) {
    checkRate(lr);
    return new Simple("sgd(lr=" + lr + ")", params -> new Base(params, 0) {
      @Override
      void apply(int index, float[] p, float[] g) {
        for (int i = 0; i < p.length; i++) p[i] -= lr * g[i];
      }
    });
  }

  public static Optimizer momentum(float lr, float momentum) {
    checkRate(lr);
    return new Simple("momentum(lr=" + lr + ", momentum=" + momentum + ")", params -> new Base(params, 1) {
      @Override
      void apply(int index, float[] p, float[] g) {
        float[] v = slots[index][0];
        for (int i = 0; i < p.length; i++) {
          v[i] = momentum * v[i] + g[i];
          p[i] -= lr * v[i];
        }
      }
    });
  }

  public static Optimizer adam(float lr) {
    return adam(lr, 0.9f, 0.999f, 1e-8f);
  }

  public static Optimizer adam(float lr, float beta1, float beta2, float eps) {
    checkRate(lr);
    return new Simple(
        "adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")",
        params -> new Base(params, 2) {
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
        });
  }

  public static Optimizer rmsProp(float lr) {
    return rmsProp(lr, 0.99f, 1e-8f);
  }

  public static Optimizer rmsProp(float lr, float rho, float eps) {
    checkRate(lr);
    return new Simple("rmsProp(lr=" + lr + ", rho=" + rho + ", eps=" + eps + ")", params -> new Base(params, 1) {
      @Override
      void apply(int index, float[] p, float[] g) {
        float[] s = slots[index][0];
        for (int i = 0; i < p.length; i++) {
          s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
          p[i] -= (float) (lr * g[i] / (Math.sqrt(s[i]) + eps));
        }
      }
    });
  }

  private static void checkRate(float lr) {
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
    }
  }

  private record Simple(String describe, java.util.function.Function<List<NDArray>, OptimizerState> factory)
      implements Optimizer {
    @Override
    public OptimizerState init(List<NDArray> params) {
      return factory.apply(List.copyOf(params));
    }

    @Override
    public String toString() {
      return describe;
    }
  }

  /** Shape and dtype checks, and per-parameter slot arrays. */
  private abstract static class Base implements OptimizerState {
    final int[][] shapes;
    final float[][][] slots;

    Base(List<NDArray> params, int slotCount) {
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
  }
}
