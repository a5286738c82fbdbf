package dev.kiln.processor.validation;

import com.sun.source.util.Trees;
import dev.kiln.processor.Diagnostics;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;

/**
 * Checks the structure of a {@code @Model} class (its kind, nesting, annotated members'
 * signatures) before its code is evaluated. Every rule runs, so the user sees all problems at once.
 */
public final class ModelValidator {
  private final Diagnostics diagnostics;
  private final List<ModelRule> rules;

  public ModelValidator(Diagnostics diagnostics, Trees trees) {
    this.diagnostics = diagnostics;
    this.rules = List.of(
        new ModelIsClassRule(),
        new ModelNestingRule(),
        new HasEntryPointRule(),
        new SingleRoleRule(),
        new TensorFieldTypeRule(),
        new FieldInitializerRule(trees),
        new InstanceMemberRule(),
        new EntryMethodParametersRule(),
        new EntryMethodNameRule(),
        new EntryMethodReturnTypeRule(),
        new EntryMethodBodyRule());
  }

  /** Whether {@code model} is compiled on its own (else it is a layer other models hold in fields). */
  public static boolean hasEntryPoints(TypeElement model) {
    return !Members.entryMethods(model).isEmpty();
  }

  /** Whether {@code model} passed every rule. */
  public boolean validate(TypeElement model) {
    int before = diagnostics.errorCount();
    if (model.getKind() != ElementKind.CLASS) {
        new ModelIsClassRule().check(model, diagnostics);
      return false;
    }
    for (ModelRule rule : rules) {
      rule.check(model, diagnostics);
    }
    return diagnostics.errorCount() == before;
  }
}
