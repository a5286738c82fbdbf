package dev.kiln.summaries;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.summaries.proto.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one event file into {@link Event}s. Damage (a failed CRC, a truncated tail, a record that
 * is not an Event) costs only the records it touches: the result keeps every good record and
 * carries one warning line for the file.
 */
public final class EventFileReader {
  private EventFileReader() {}

  /**
   * @param warning null for a clean file; otherwise one line naming the file, what was skipped,
   *     and how many records are still shown
   */
  public record Result(Path file, List<Event> events, String warning) {}

  public static Result read(Path file) throws IOException {
    TfRecordReader.Result records = TfRecordReader.read(Files.readAllBytes(file));
    List<Event> events = new ArrayList<>();
    int unparsable = 0;
    for (byte[] r : records.records()) {
      try {
        events.add(Event.parseFrom(r));
      } catch (InvalidProtocolBufferException e) {
        unparsable++;
      }
    }
    List<String> problems = new ArrayList<>();
    if (records.problem() != null) {
      problems.add(records.problem());
    }
    if (unparsable > 0) {
      problems.add(unparsable + (unparsable == 1 ? " record is not an Event" : " records are not Events"));
    }
    String warning = problems.isEmpty() ? null
        : "warning: event file " + file + ": skipped damaged records (" + String.join(" and ", problems)
            + "); showing the " + events.size() + " good record" + (events.size() == 1 ? "" : "s");
    return new Result(file, List.copyOf(events), warning);
  }
}
