package dev.confide.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Interim engine (emails only) until the full recognizer set lands; replaced by the detection work. */
public final class PiiEngine implements PiiDetector {
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+");

  public static PiiEngine standard() {
    return new PiiEngine();
  }

  @Override
  public List<PiiEntity> detect(String text) {
    List<PiiEntity> found = new ArrayList<>();
    Matcher m = EMAIL.matcher(text);
    while (m.find()) {
      found.add(new PiiEntity("EMAIL_ADDRESS", m.start(), m.end(), 1.0));
    }
    return found;
  }
}
