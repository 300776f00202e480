package dev.confide.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the deployment's policy: a preset ({@code infuzu}, {@code lumis}) or a YAML file of the
 * same shape. The file is validated strictly (unknown keys, wrong types, missing fields, bad
 * periods, unknown promises, sections that disagree...) and every problem is reported with its
 * line and column in one {@link PolicyException}, so start-up refuses an invalid file.
 */
public final class PolicyLoader {
  /** The presets that ship with Confide, one per reference policy. */
  public static final List<String> PRESETS = List.of("infuzu", "lumis");

  private PolicyLoader() {}

  /** Loads a preset by name, or else the file at the path {@code spec}. */
  public static Policy load(String spec) {
    return PRESETS.contains(spec) ? parse(presetYaml(spec), spec + ".yaml") : load(Path.of(spec));
  }

  public static Policy load(Path file) {
    String source = file.toString();
    try {
      if (Files.size(file) > PolicyYaml.MAX_CHARS * 4L) {
        throw new PolicyException(source, List.of(source + ": the file is larger than " + PolicyYaml.MAX_CHARS / 1024 + " KiB"));
      }
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
      return parse(text, source);
    } catch (NoSuchFileException e) {
      throw new PolicyException(source, List.of(source + ": no such file (and not a preset: " + String.join(", ", PRESETS) + ")"));
    } catch (CharacterCodingException e) {
      throw new PolicyException(source, List.of(source + ": not UTF-8 text"));
    } catch (IOException e) {
      throw new PolicyException(source, List.of(source + ": cannot be read (" + e.getClass().getSimpleName() + ")"));
    }
  }

  /**
   * Parses policy YAML.
   *
   * @param source how errors name the text, e.g. its file name
   */
  public static Policy parse(String yaml, String source) {
    PolicyYaml reader = new PolicyYaml(source);
    Policy policy = new PolicyReader(reader).read(reader.parse(yaml));
    if (policy == null) {
      throw new PolicyException(source, reader.errors());
    }
    return policy;
  }

  /** The YAML text of a preset, e.g. as the starting point for a deployment's own file. */
  public static String presetYaml(String name) {
    if (!PRESETS.contains(name)) {
      throw new IllegalArgumentException("no preset " + name + "; presets: " + String.join(", ", PRESETS));
    }
    try (InputStream in = PolicyLoader.class.getResourceAsStream("presets/" + name + ".yaml")) {
      if (in == null) {
        throw new IllegalStateException("preset " + name + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
