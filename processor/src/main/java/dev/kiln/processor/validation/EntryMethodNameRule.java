package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Each entry point becomes a method of the generated facade, beside the facade's own methods
 * ({@code create}, {@code save}, {@code restore}, {@code variables}, the trainers), so its name
 * must not be one of those.
 */
final class EntryMethodNameRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    List<ExecutableElement> entries = Members.entryMethods(model);
    List<ExecutableElement> losses = entries.stream().filter(m -> dev.kiln.processor.Annotations.has(m, dev.kiln.processor.Annotations.LOSS)).toList();
    Set<String> taken = new HashSet<>(List.of("create", "save", "restore", "variables"));
    if (losses.size() == 1) {
      taken.add("trainer");
    }
    for (ExecutableElement loss : losses) {
      taken.add(loss.getSimpleName() + "Trainer");
    }
    for (ExecutableElement m : entries) {
      String name = m.getSimpleName().toString();
      if (taken.contains(name)) {
        d.error(m, Members.role(m) + " method '" + name + "' has the name of a method the generated "
            + model.getSimpleName() + "Compiled already has; rename it");
      }
    }
  }
}
