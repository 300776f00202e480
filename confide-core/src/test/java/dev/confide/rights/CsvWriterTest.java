package dev.confide.rights;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("P27")
class CsvWriterTest {
  @Test
  void cellsThatNeedItAreQuotedAndEveryCellReadsBackAsWritten() throws Exception {
    List<List<String>> rows = List.of(
        List.of("id", "content"),
        List.of("1", "plain text"),
        List.of("2", "with, a comma"),
        List.of("3", "she said \"hi\", then \"\""),
        List.of("4", "two\nlines\r\nhere"),
        List.of("5", "naïve café, 日本語 and 😀"),
        List.of("6", "\"" + "x".repeat(70_000) + "\""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CsvWriter csv = new CsvWriter(out)) {
      rows.forEach(row -> {
        try {
          csv.row(row);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      csv.cell("7").cell(null).cell("").endRow();
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("id,content\n1,plain text\n2,\"with, a comma\"\n3,\"she said \"\"hi\"\", then \"\"\"\"\"\n");

    List<List<String>> read = new ArrayList<>();
    try (MappingIterator<String[]> it = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class)
        .readValues(text)) {
      it.forEachRemaining(r -> read.add(Arrays.asList(r)));
    }
    List<List<String>> expected = new ArrayList<>(rows);
    expected.add(List.of("7", "", ""));
    assertThat(read).isEqualTo(expected);
  }
}
