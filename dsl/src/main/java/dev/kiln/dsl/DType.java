package dev.kiln.dsl;

/** Element types of tensors. f16 and bf16 are storage types: cast them to f32 for arithmetic. */
public enum DType {
  F32(4, true),
  F64(8, true),
  F16(2, true),
  BF16(2, true),
  I64(8, false),
  I32(4, false),
  I16(2, false),
  I8(1, false),
  U8(1, false),
  BOOL(1, false);

  private final int byteSize;
  private final boolean floating;

  DType(int byteSize, boolean floating) {
    this.byteSize = byteSize;
    this.floating = floating;
  }

  public int byteSize() {
    return byteSize;
  }

  /** Whether values of this type are real numbers with a gradient. */
  public boolean isFloating() {
    return floating;
  }

  /** The lower-case name used in diagnostics and generated files, e.g. {@code f32}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
