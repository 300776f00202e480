package dev.confide.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log line written while open, as the JSON encoder writes it (so a test sees what an operator's
 * log would hold), with Confide's own loggers at DEBUG.
 */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger root;
  private final Logger confide;
  private final Level confideLevelBefore;
  private final AppenderBase<ILoggingEvent> appender;

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    confide = context.getLogger("dev.confide");
    confideLevelBefore = confide.getLevel();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.start();
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
      }
    };
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
    confide.setLevel(Level.DEBUG);
  }

  /** The lines so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    confide.setLevel(confideLevelBefore);
  }
}
