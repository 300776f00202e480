package dev.confide.app;

import dev.confide.audit.Actor;
import dev.confide.audit.AuditActions;
import dev.confide.audit.AuditEvent;
import dev.confide.notify.PolicyVersions.PolicyVersion;
import dev.confide.policy.Policy;
import dev.confide.policy.PolicyException;
import dev.confide.policy.PolicyLoader;
import dev.confide.policy.VersionEntry;
import dev.confide.problem.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Publishing the running policy file as a version (P35) and the version history shown with it.
 * Only the file this deployment enforces can be published, under the version the file states, so
 * the history, the page and the policy version recorded with each consent always agree; a
 * significant version is announced to every account by {@link dev.confide.notify.PolicyVersions}.
 */
public final class PolicyPublisher {
  private final Confide confide;

  public PolicyPublisher(Confide confide) {
    this.confide = confide;
  }

  /**
   * Publishes the running policy file, audited as the staff member's action.
   *
   * @param version the version being published, or null for the file's; it must be the file's
   * @throws Problem UNPROCESSABLE ({@code version_mismatch}) for another version; CONFLICT
   *     ({@code policy_file_changed}) when the file on disk is no longer the one running, or
   *     ({@code policy_version_exists}) when the version was published before
   */
  public PolicyVersion publish(UUID staffId, String version, String summary, boolean significant) {
    Policy running = confide.policy;
    if (version != null && !version.equals(running.version())) {
      throw new Problem(Problem.Kind.UNPROCESSABLE, "version_mismatch", "the running policy file is version "
          + running.version() + "; to publish another version, change the file's version and restart");
    }
    PolicyVersion published = confide.policyVersions.publish(running.version(), summary, significant, contentSha256(),
        staffId);
    confide.auditLog.append(AuditEvent.of(Actor.staff(staffId), AuditActions.POLICY_PUBLISHED)
        .on("policy_version", auditToken(published.version()))
        .with("significant", published.significant()));
    return published;
  }

  /**
   * The SHA-256 (hex) of the running policy file's text: the preset as shipped, or the file's bytes.
   *
   * @throws Problem CONFLICT ({@code policy_file_changed}) when the file no longer holds the running policy
   */
  public String contentSha256() {
    String spec = confide.config.policy();
    byte[] text;
    if (PolicyLoader.PRESETS.contains(spec)) {
      text = PolicyLoader.presetYaml(spec).getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        text = Files.readAllBytes(Path.of(spec));
      } catch (IOException e) {
        throw changed();
      }
    }
    try {
      if (!PolicyLoader.parse(new String(text, StandardCharsets.UTF_8), spec).equals(confide.policy)) {
        throw changed();
      }
    } catch (PolicyException e) {
      throw changed();
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The versions for the policy page, newest first: every published one and, until it is
   * published, the running file's own version with its effective date.
   */
  public List<VersionEntry> history() {
    Policy running = confide.policy;
    List<VersionEntry> entries = new ArrayList<>();
    List<PolicyVersion> published = confide.policyVersions.history();
    if (published.stream().noneMatch(v -> v.version().equals(running.version()))) {
      entries.add(new VersionEntry(running.version(), running.effectiveDate(), "The current version."));
    }
    for (PolicyVersion v : published) {
      entries.add(new VersionEntry(v.version(), LocalDate.ofInstant(v.publishedAt(), ZoneOffset.UTC), v.summary()));
    }
    return entries;
  }

  private static Problem changed() {
    return new Problem(Problem.Kind.CONFLICT, "policy_file_changed",
        "the policy file no longer holds the policy this server runs; restart to load it, then publish");
  }

  /** Audit ids are short lower-case tokens that start with a letter; versions may start with a digit. */
  static String auditToken(String version) {
    String lower = version.toLowerCase(Locale.ROOT);
    String token = Character.isLetter(lower.charAt(0)) ? lower : "v" + lower;
    return token.length() <= 64 ? token : token.substring(0, 64);
  }
}
