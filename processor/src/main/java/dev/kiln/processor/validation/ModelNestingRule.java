package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;

/** A @Model must be a top-level or static nested class, so its generated class can stand alone. */
final class ModelNestingRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    NestingKind kind = model.getNestingKind();
    String found = switch (kind) {
      case TOP_LEVEL -> null;
      case MEMBER -> model.getModifiers().contains(Modifier.STATIC) ? null : "an inner (non-static) class";
      case LOCAL -> "a local class";
      case ANONYMOUS -> "an anonymous class";
    };
    if (found != null) {
      d.error(model, "@Model class '" + model.getSimpleName() + "' must be a top-level or static nested class, found " + found);
    }
    if (model.getModifiers().contains(Modifier.PRIVATE)) {
      d.error(model, "@Model class '" + model.getSimpleName() + "' must be visible to its package, found a private class");
    }
  }
}
