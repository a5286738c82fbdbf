package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;

/** A @Model must be a class: its fields and methods describe the graph. */
final class ModelIsClassRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    if (model.getKind() != ElementKind.CLASS) {
      d.error(model, "@Model type '" + model.getSimpleName() + "' must be a class, found "
          + switch (model.getKind()) {
            case INTERFACE -> "an interface";
            case ENUM -> "an enum";
            case RECORD -> "a record";
            case ANNOTATION_TYPE -> "an annotation type";
            default -> model.getKind().toString().toLowerCase(java.util.Locale.ROOT);
          });
    }
  }
}
