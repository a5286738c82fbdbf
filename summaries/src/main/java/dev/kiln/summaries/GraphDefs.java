package dev.kiln.summaries;

import dev.kiln.runtime.Json;
import dev.kiln.summaries.proto.AttrValue;
import dev.kiln.summaries.proto.DataType;
import dev.kiln.summaries.proto.GraphDef;
import dev.kiln.summaries.proto.NodeDef;
import dev.kiln.summaries.proto.TensorShapeProto;
import dev.kiln.summaries.proto.VersionDef;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled model's graph as a {@link GraphDef}, from the {@code <Model>.graph.json} resource the
 * processor writes beside the model: node names carry the name scopes ({@code loss/Mul}), ops are
 * Kiln's op names, inputs are edges, and each node has {@code T} (its dtype) and
 * {@code _output_shapes} (its shape, -1 for a symbolic dimension) besides its own attributes.
 */
public final class GraphDefs {
  private GraphDefs() {}

  /** The graph of a model class (the {@code @Model} class or its {@code Compiled} facade). */
  public static GraphDef of(Class<?> model) throws IOException {
    return fromJson(json(model));
  }

  /** The {@code <Model>.graph.json} resource the processor ships beside a compiled model. */
  public static String json(Class<?> model) throws IOException {
    try (InputStream in = model.getResourceAsStream(resourceName(model))) {
      if (in == null) {
        throw new IOException("no graph resource " + resourceName(model) + " beside " + model.getName()
            + "; is it a Kiln model compiled by the Kiln processor?");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {@code MnistSoftmax.graph.json} for {@code MnistSoftmax} or {@code MnistSoftmaxCompiled}. */
  public static String resourceName(Class<?> model) {
    String simple = model.getSimpleName().endsWith("Compiled")
        ? model.getSimpleName().substring(0, model.getSimpleName().length() - "Compiled".length())
        : model.getSimpleName();
    return simple + ".graph.json";
  }

  /** Converts Kiln's graph JSON ({@code GraphExport.json}). */
  @SuppressWarnings("unchecked")
  public static GraphDef fromJson(String json) throws IOException {
    Map<String, Object> root;
    try {
      root = (Map<String, Object>) Json.parse(json);
    } catch (Json.ParseException e) {
      throw new IOException("the graph JSON is malformed: " + e.getMessage(), e);
    }
    List<Object> nodes = (List<Object>) root.get("nodes");
    Map<Long, String> names = new HashMap<>();
    Set<String> used = new HashSet<>();
    for (Object o : nodes) {
      Map<String, Object> n = (Map<String, Object>) o;
      String name = (String) n.get("name");
      String unique = name;
      for (int k = 1; !used.add(unique); k++) {
        unique = name + "_" + k; // GraphDef names must be unique
      }
      names.put((Long) n.get("id"), unique);
    }
    GraphDef.Builder g = GraphDef.newBuilder().setVersions(VersionDef.newBuilder().setProducer(1));
    for (Object o : nodes) {
      Map<String, Object> n = (Map<String, Object>) o;
      NodeDef.Builder d = NodeDef.newBuilder()
          .setName(names.get((Long) n.get("id")))
          .setOp((String) n.get("op"));
      for (Object in : (List<Object>) n.get("inputs")) {
        d.addInput(names.get((Long) in));
      }
      d.putAttr("T", AttrValue.newBuilder().setType(dataType((String) n.get("dtype"))).build());
      d.putAttr("_output_shapes", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
          .addShape(shape((List<Object>) n.get("shape")))).build());
      ((Map<String, Object>) n.get("attrs")).forEach((k, v) -> {
        AttrValue a = attr(k, v);
        if (a != null && !d.containsAttr(k)) {
          d.putAttr(k, a);
        }
      });
      g.addNode(d);
    }
    return g.build();
  }

  static DataType dataType(String label) {
    return switch (label) {
      case "f32" -> DataType.DT_FLOAT;
      case "f64" -> DataType.DT_DOUBLE;
      case "f16" -> DataType.DT_HALF;
      case "bf16" -> DataType.DT_BFLOAT16;
      case "i64" -> DataType.DT_INT64;
      case "i32" -> DataType.DT_INT32;
      case "i16" -> DataType.DT_INT16;
      case "i8" -> DataType.DT_INT8;
      case "u8" -> DataType.DT_UINT8;
      case "bool" -> DataType.DT_BOOL;
      default -> DataType.DT_INVALID;
    };
  }

  static TensorShapeProto shape(List<Object> dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      s.addDim(d instanceof Long size
          ? TensorShapeProto.Dim.newBuilder().setSize(size)
          : TensorShapeProto.Dim.newBuilder().setSize(-1).setName(String.valueOf(d)));
    }
    return s.build();
  }

  /** One attribute; values that are not plain scalars or number lists are shown as text. */
  @SuppressWarnings("unchecked")
  private static AttrValue attr(String key, Object v) {
    return switch (v) {
      case null -> null;
      case Boolean b -> AttrValue.newBuilder().setB(b).build();
      case Long l -> AttrValue.newBuilder().setI(l).build();
      case Double d -> AttrValue.newBuilder().setF(d.floatValue()).build();
      case String s when key.equals("dtype") && dataType(s) != DataType.DT_INVALID ->
          AttrValue.newBuilder().setType(dataType(s)).build();
      case String s -> AttrValue.newBuilder().setS(ByteString.copyFromUtf8(s)).build();
      case List<?> l when key.equals("shape") -> AttrValue.newBuilder().setShape(shape((List<Object>) l)).build();
      case List<?> l when l.stream().allMatch(x -> x instanceof Long) -> AttrValue.newBuilder().setList(
          AttrValue.ListValue.newBuilder().addAllI((List<Long>) l)).build();
      case List<?> l when l.stream().allMatch(x -> x instanceof Long || x instanceof Double) ->
          AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
              .addAllF(l.stream().map(x -> ((Number) x).floatValue()).toList())).build();
      default -> AttrValue.newBuilder().setS(ByteString.copyFromUtf8(String.valueOf(v))).build();
    };
  }
}
