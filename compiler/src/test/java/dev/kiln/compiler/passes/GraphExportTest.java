package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphExportTest {
  @Test
  void jsonParsesAndDescribesTheGraph() {
    CompiledModel model = KilnCompiler.compile(new Models.Softmax().spec());
    String json = GraphExport.json(model);
    Map<String, Object> root = asMap(new Json(json).parse());

    assertEquals("MnistLike", root.get("model"));
    List<Object> nodes = asList(root.get("nodes"));
    assertEquals(model.graph().size(), nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      Map<String, Object> n = asMap(nodes.get(i));
      Node node = model.graph().node(i);
      assertEquals((double) i, n.get("id"));
      assertEquals(node.name(), n.get("name"));
      assertEquals(node.scope(), n.get("scope"));
      assertEquals(node.op().name(), n.get("op"));
      assertEquals(node.type().dtype().label(), n.get("dtype"));
      assertEquals(node.inputs().stream().map(in -> (double) in.id()).toList(), n.get("inputs"));
    }
    Map<String, Object> x = asMap(nodes.get(model.inputs().get(0).id()));
    assertEquals(List.of("batch", 4.0), x.get("shape"));
    assertEquals("examples", asMap(x.get("attrs")).get("name"));
    assertEquals("f64", asMap(x.get("attrs")).get("dtype"));

    List<Object> eps = asList(root.get("entryPoints"));
    assertEquals(model.entryPoints().size(), eps.size());
    Map<String, Object> train = asMap(eps.get(3));
    assertEquals("TRAIN", train.get("kind"));
    assertEquals(2, asList(train.get("gradients")).size());
    assertEquals(List.of((double) model.inputs().get(0).id()), asMap(eps.get(0)).get("inputs"));
    assertEquals(json, GraphExport.json(model), "stable output");
  }

  @Test
  void jsonEscapesStrings() {
    GraphBuilder b = new GraphBuilder();
    b.pushScope("we\"ird\\scope");
    Node x = Emit.placeholder(b, "x\n\ty\u0001", DType.F32, Shape.of(2));
    b.popScope();
    Node c = Emit.constant(b, DType.F32, Shape.of(2), Double.NaN, 1.5);
    Node s = Emit.add(b, x, c);
    CompiledModel model = new CompiledModel("p", "M", b.graph(), List.of(x), List.of(),
        List.of(new EntryPoint("s", EntryPoint.Kind.FETCH, List.of(x), s, Map.of(), List.of(x, c, s))));
    Map<String, Object> root = asMap(new Json(GraphExport.json(model)).parse());
    Map<String, Object> n0 = asMap(asList(root.get("nodes")).get(0));
    assertEquals("we\"ird\\scope/x\n\ty\u0001", n0.get("name"));
    Map<String, Object> n1 = asMap(asList(root.get("nodes")).get(1));
    assertEquals(List.of("NaN", 1.5), asMap(n1.get("attrs")).get("values"));
    String dot = GraphExport.dot(model);
    assertTrue(dot.contains("subgraph \"cluster_we\\\"ird\\\\scope\""), dot);
  }

  @Test
  void dotHasNestedClustersForScopes() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2));
    b.pushScope("outer");
    Node e = Emit.exp(b, x);
    b.pushScope("inner");
    Node s = Emit.square(b, e);
    b.popScope();
    b.popScope();
    CompiledModel model = new CompiledModel("", "M", b.graph(), List.of(x), List.of(),
        List.of(new EntryPoint("s", EntryPoint.Kind.FETCH, List.of(x), s, new LinkedHashMap<>(), List.of(x, e, s))));
    String dot = GraphExport.dot(model);
    assertTrue(dot.startsWith("digraph \"M\" {"), dot);
    int outer = dot.indexOf("subgraph \"cluster_outer\" {");
    int inner = dot.indexOf("subgraph \"cluster_outer/inner\" {");
    assertTrue(outer >= 0 && inner > outer, dot);
    assertTrue(dot.indexOf("n1 [label=\"Exp\\nf64[2]\"") > outer, dot);
    assertTrue(dot.indexOf("n2 [label=") > inner, dot);
    assertTrue(dot.contains("n0 -> n1"), dot);
    assertTrue(dot.contains("n1 -> n2"), dot);
    assertEquals(count(dot, '{'), count(dot, '}'));
  }

  @Test
  void dotForMnistHasScopeClusters() {
    String dot = GraphExport.dot(KilnCompiler.compile(new Models.Softmax().spec()));
    for (String scope : List.of("logits", "estimates", "loss", "accuracy", "gradients", "gradients/loss")) {
      assertTrue(dot.contains("subgraph \"cluster_" + scope + "\""), scope + "\n" + dot);
    }
  }

  private static long count(String s, char c) {
    return s.chars().filter(ch -> ch == c).count();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object o) {
    return (List<Object>) o;
  }

  /** A strict little JSON parser (RFC 8259): numbers as Double, objects as LinkedHashMap. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object parse() {
      Object v = value();
      ws();
      if (i != s.length()) {
        throw error("trailing text");
      }
      return v;
    }

    private Object value() {
      ws();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            expect(':');
            if (m.put(k, value()) != null) {
              throw error("duplicate key " + k);
            }
            ws();
            if (peek(',')) {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[': {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (peek(',')) {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"':
          return string();
        default:
          if (s.startsWith("true", i)) {
            i += 4;
            return true;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return false;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          return number();
      }
    }

    private Double number() {
      var m = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?").matcher(s);
      if (!m.find(i) || m.start() != i || m.end() == i) {
        throw error("bad number");
      }
      i = m.end();
      return Double.parseDouble(m.group());
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c < 0x20) {
          throw error("raw control character");
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw error("bad escape");
        }
      }
    }

    private void ws() {
      while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private boolean peek(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected " + c);
      }
      i++;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at " + i + ": "
          + s.substring(Math.max(0, i - 30), Math.min(s.length(), i + 30)));
    }
  }
}
