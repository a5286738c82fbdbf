package dev.kiln.processor.eval;

import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;

/** The sentence for a construct outside the model language: what it is and what to use instead. */
final class Unsupported {
  private Unsupported() {}

  static final String GENERAL = "model code may use DSL ops (Ops and Tensor methods), the model's"
      + " own fields and methods, local variables, compile-time constants, and if, for and ?: over"
      + " compile-time values";

  static String message(String what, String instead) {
    return "unsupported in a @Model: " + what + "; " + instead;
  }

  static String message(Tree tree) {
    String loops = "model code may use a for loop over compile-time values, which is unrolled at build time";
    String branches = "model code may use if or ?: over compile-time values";
    return switch (tree.getKind()) {
      case NEW_CLASS -> message("object creation (new " + ((NewClassTree) tree).getIdentifier() + ")",
          "only @Model layers may be constructed, as the value of a field (Dense hidden = new Dense(784, 256, RELU);)");
      case NEW_ARRAY -> message("array creation", GENERAL);
      case ARRAY_ACCESS -> message("array access", GENERAL);
      case LAMBDA_EXPRESSION -> message("a lambda outside cond/whileLoop/scan",
          "model code may write lambdas only as the branches of cond(pred, () -> a, () -> b), the condition"
              + " and body of whileLoop, and the step of scan");
      case MEMBER_REFERENCE -> message("a method reference outside cond/whileLoop/scan",
          "model code may pass this::method only as a body of cond, whileLoop or scan");
      case WHILE_LOOP -> message("a while loop", loops);
      case DO_WHILE_LOOP -> message("a do-while loop", loops);
      case ENHANCED_FOR_LOOP -> message("a for-each loop", loops);
      case BREAK -> message("a break statement", loops);
      case CONTINUE -> message("a continue statement", loops);
      case LABELED_STATEMENT -> message("a labeled statement", loops);
      case TRY -> message("a try statement", "exceptions have no meaning in a graph, and " + GENERAL);
      case THROW -> message("a throw statement", "exceptions have no meaning in a graph, and " + GENERAL);
      case SWITCH, SWITCH_EXPRESSION -> message("a switch", branches);
      case YIELD -> message("a yield statement", branches);
      case SYNCHRONIZED -> message("a synchronized statement", GENERAL);
      case ASSERT -> message("an assert statement", GENERAL);
      case INSTANCE_OF -> message("an instanceof test", GENERAL);
      case NULL_LITERAL -> message("null", GENERAL);
      case CLASS, INTERFACE, ENUM, RECORD -> message("a local class", GENERAL);
      default -> message("the construct '" + shortText(tree) + "'", GENERAL);
    };
  }

  static String shortText(Tree tree) {
    String text = tree.toString().replaceAll("\\s+", " ").trim();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
