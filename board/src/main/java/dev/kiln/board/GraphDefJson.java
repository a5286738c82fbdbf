package dev.kiln.board;

import dev.kiln.summaries.proto.AttrValue;
import dev.kiln.summaries.proto.GraphDef;
import dev.kiln.summaries.proto.NodeDef;
import dev.kiln.summaries.proto.TensorShapeProto;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A run's {@link GraphDef} (as a training run logs it) in the graph JSON the page draws, the
 * format of the processor's {@code <Model>.graph.json}: the node's name scope from its name, its
 * dtype from attribute {@code T}, its shape from {@code _output_shapes}; no entry points.
 */
final class GraphDefJson {
  private GraphDefJson() {}

  static String of(GraphDef graph) {
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      ids.put(graph.getNode(i).getName(), i);
    }
    StringJoiner nodes = new StringJoiner(",\n", "[\n", "\n]");
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeDef n = graph.getNode(i);
      int slash = n.getName().lastIndexOf('/');
      StringJoiner inputs = new StringJoiner(",", "[", "]");
      for (String in : n.getInputList()) {
        // "^name" is a control input, "name:1" an output index: both name the node "name".
        String name = in.startsWith("^") ? in.substring(1) : in;
        int colon = name.lastIndexOf(':');
        Integer id = ids.get(colon < 0 ? name : name.substring(0, colon));
        if (id != null) {
          inputs.add(id.toString());
        }
      }
      nodes.add("{\"id\":" + i + ",\"name\":" + Json.str(n.getName())
          + ",\"scope\":" + Json.str(slash < 0 ? "" : n.getName().substring(0, slash))
          + ",\"op\":" + Json.str(n.getOp())
          + ",\"dtype\":" + Json.str(dtype(n.getAttrMap().get("T")))
          + ",\"shape\":" + shape(n.getAttrMap().get("_output_shapes"))
          + ",\"inputs\":" + inputs + ",\"attrs\":{}}");
    }
    return "{\"package\":\"\",\"model\":\"graph\",\"inputs\":[],\"params\":[],\"nodes\":" + nodes
        + ",\"entryPoints\":[]}";
  }

  private static String dtype(AttrValue t) {
    if (t == null || !t.hasType()) {
      return "?";
    }
    return switch (t.getType()) {
      case DT_FLOAT -> "f32";
      case DT_DOUBLE -> "f64";
      case DT_HALF -> "f16";
      case DT_BFLOAT16 -> "bf16";
      case DT_INT64 -> "i64";
      case DT_INT32 -> "i32";
      case DT_INT16 -> "i16";
      case DT_INT8 -> "i8";
      case DT_UINT8 -> "u8";
      case DT_BOOL -> "bool";
      default -> t.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String shape(AttrValue shapes) {
    StringJoiner dims = new StringJoiner(",", "[", "]");
    if (shapes != null && shapes.hasList() && shapes.getList().getShapeCount() > 0) {
      for (TensorShapeProto.Dim d : shapes.getList().getShape(0).getDimList()) {
        dims.add(d.getSize() >= 0 ? Long.toString(d.getSize()) : Json.str(d.getName().isEmpty() ? "?" : d.getName()));
      }
    }
    return dims.toString();
  }
}
