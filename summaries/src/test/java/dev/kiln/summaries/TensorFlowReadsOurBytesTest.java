package dev.kiln.summaries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Summaries;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.Summary;

/**
 * An independent reader of our event files: TensorFlow's own generated protobuf classes (from
 * tensorflow-core-native) parse the records our writer framed.
 */
class TensorFlowReadsOurBytesTest {
  @TempDir Path dir;

  static final String GRAPH_JSON = """
      {"package": "p", "model": "M", "inputs": [0], "params": [1], "nodes": [
        {"id": 0, "name": "x", "scope": "", "op": "Placeholder", "dtype": "f32", "shape": ["batch", 3], "inputs": [], "attrs": {"dtype": "f32", "name": "x", "shape": ["batch", 3]}},
        {"id": 1, "name": "w", "scope": "", "op": "Variable", "dtype": "f32", "shape": [3, 2], "inputs": [], "attrs": {"initArgs": [0.0, 0.1], "trainable": true}},
        {"id": 2, "name": "layer/MatMul", "scope": "layer", "op": "MatMul", "dtype": "f32", "shape": ["batch", 2], "inputs": [0, 1], "attrs": {"transposeA": false}},
        {"id": 3, "name": "layer/MatMul", "scope": "layer", "op": "ArgMax", "dtype": "i64", "shape": ["batch"], "inputs": [2], "attrs": {"axis": 1}}
      ], "entryPoints": []}
      """;

  @Test
  void tensorFlowParsesEventsSummariesHistogramsImagesAndTheGraph() throws Exception {
    Summaries s = new Summaries()
        .put("train/loss", Summaries.Kind.SCALAR, NDArray.scalar(0.25f))
        .put("weights", Summaries.Kind.HISTOGRAM, NDArray.of(new float[] {-1, 0, 1, 1}, 2, 2))
        .put("digits", Summaries.Kind.IMAGE, NDArray.of(new float[2 * 3 * 4], 2, 3, 4, 1));
    Path file;
    try (EventFileWriter w = EventFileWriter.create(dir)) {
      w.addGraph(GraphDefs.fromJson(GRAPH_JSON));
      w.write(7, SummaryProtos.of(s));
      file = w.file();
    }
    assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."));

    List<byte[]> records = TfRecordReader.read(Files.readAllBytes(file)).records();
    assertEquals(3, records.size());
    Event first = Event.parseFrom(records.get(0));
    assertEquals("brain.Event:2", first.getFileVersion());
    assertTrue(first.getWallTime() > 1.6e9);

    GraphDef g = GraphDef.parseFrom(Event.parseFrom(records.get(1)).getGraphDef());
    assertEquals(List.of("x", "w", "layer/MatMul", "layer/MatMul_1"),
        g.getNodeList().stream().map(NodeDef::getName).toList());
    NodeDef mm = g.getNode(2);
    assertEquals("MatMul", mm.getOp());
    assertEquals(List.of("x", "w"), mm.getInputList());
    assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, mm.getAttrOrThrow("T").getType());
    assertEquals(-1, g.getNode(0).getAttrOrThrow("_output_shapes").getList().getShape(0).getDim(0).getSize());
    assertEquals(3, g.getNode(0).getAttrOrThrow("shape").getShape().getDim(1).getSize());
    assertEquals(org.tensorflow.proto.DataType.DT_INT64, g.getNode(3).getAttrOrThrow("T").getType());
    assertEquals(1, g.getNode(3).getAttrOrThrow("axis").getI());
    assertEquals(0.1f, g.getNode(1).getAttrOrThrow("initArgs").getList().getF(1));

    Event e = Event.parseFrom(records.get(2));
    assertEquals(7, e.getStep());
    Summary sum = e.getSummary();
    assertEquals(List.of("train/loss", "weights", "digits/image/0", "digits/image/1"),
        sum.getValueList().stream().map(Summary.Value::getTag).toList());
    assertEquals(0.25f, sum.getValue(0).getSimpleValue());
    HistogramProto h = sum.getValue(1).getHisto();
    assertEquals(4.0, h.getNum());
    assertEquals(-1.0, h.getMin());
    assertEquals(1.0, h.getSum());
    assertEquals(h.getBucketCount(), h.getBucketLimitCount());
    assertEquals(4.0, h.getBucketList().stream().mapToDouble(Double::doubleValue).sum());
    Summary.Image img = sum.getValue(2).getImage();
    assertEquals(3, img.getHeight());
    assertEquals(4, img.getWidth());
    assertEquals(1, img.getColorspace());
    var decoded = ImageIO.read(new ByteArrayInputStream(img.getEncodedImageString().toByteArray()));
    assertEquals(4, decoded.getWidth());
    assertEquals(3, decoded.getHeight());
  }
}
