package dev.confide.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("P01")
class UnexplainedTest {
  @Test
  void keepsWhereAFailureHappenedButNotWhatItWasAbout() {
    SQLException driver = new SQLException("duplicate key: (email)=(quillon.canarymail@example.org)");
    IllegalStateException failure = new IllegalStateException("while storing Quillon Canaryname", driver);

    Unexplained logged = Unexplained.of(failure);
    StringWriter printed = new StringWriter();
    logged.printStackTrace(new PrintWriter(printed));

    assertThat(printed.toString()).contains("java.lang.IllegalStateException", "java.sql.SQLException",
        UnexplainedTest.class.getName() + ".keepsWhereAFailureHappenedButNotWhatItWasAbout")
        .doesNotContain("canary", "Canary", "email");
    assertThat(logged.getStackTrace()).isEqualTo(failure.getStackTrace());
    assertThat(logged.getCause().getStackTrace()).isEqualTo(driver.getStackTrace());
    assertThat(logged.getCause().getCause()).isNull();
  }

  @Test
  void aCycleOfCausesEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    Throwable t = Unexplained.of(b);
    int depth = 0;
    while (t != null) {
      depth++;
      t = t.getCause();
    }
    assertThat(depth).isLessThanOrEqualTo(17);
  }
}
