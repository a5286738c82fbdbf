package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;

/** One rule a {@code @Model} class must satisfy before it is evaluated; reports each violation. */
interface ModelRule {
  void check(TypeElement model, Diagnostics diagnostics);
}
