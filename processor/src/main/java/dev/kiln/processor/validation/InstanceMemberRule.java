package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/** Inputs, parameters and entry points belong to a model instance, so none may be static. */
final class InstanceMemberRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    List<Element> members = new ArrayList<>(Members.leafFields(model));
    members.addAll(Members.entryMethods(model));
    for (Element e : members) {
      if (e.getModifiers().contains(Modifier.STATIC)) {
        d.error(e, Members.role(e) + " " + (e.getKind().isField() ? "field" : "method") + " '"
            + e.getSimpleName() + "' must be an instance member, found a static one");
      }
    }
  }
}
