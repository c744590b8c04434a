package org.netvlad.common.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** JSON-lines manifests: one JSON object an image, one object a line. */
public final class JsonLinesManifest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLinesManifest() {}

  /** Parses one line (1-based number); blank lines are the caller's to skip. */
  public static RawRow parse(String source, long lineNumber, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return RawRow.malformed(
          source, lineNumber, "not JSON: " + e.getOriginalMessage().split("\n")[0]);
    }
    if (node == null || !node.isObject()) {
      return RawRow.malformed(source, lineNumber, "not a JSON object");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      if (v.isContainerNode()) {
        return RawRow.malformed(source, lineNumber, "field '" + e.getKey() + "' is not a scalar");
      }
      fields.put(e.getKey().trim().toLowerCase(Locale.ROOT), v.asText());
    }
    return RawRow.of(source, lineNumber, fields);
  }
}
