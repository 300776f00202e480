package dev.confide.policy;

/** A small, valid policy file with numbers unlike either preset's, and a way to change one line of it. */
final class CustomPolicy {
  static final String SOURCE = "custom.yaml";

  static final String YAML = """
      version: "7"
      effectiveDate: 2026-03-01
      company:
        name: Acme Chat
        service: a chat service for testing
      contacts:
        privacyEmail: privacy@acme.test
      minimumAge: 16
      defaults:
        dataCollection: false
        dataCollectionForHipaa: false
        chatRetentionDays: 45
      retention:
        usageDays: 400
        accessLogDays: 200
        ipTruncationDays: 7
        deletionWindowDays: 14
        erasedPurgeDays: 3
      categories:
        - id: account
          name: Account
          description: Name and e-mail address.
          purposes: [Run your account]
          retention: account
        - id: chat_history
          name: Chats
          description: Your conversations.
          purposes: [Show your history]
          retention: 45
        - id: usage
          name: Usage
          description: Token counts.
          purposes: [Billing]
          retention: 400
        - id: access_logs
          name: Access logs
          description: IP addresses and browsers.
          purposes: [Security]
          retention: 200
      accountKinds:
        hipaa:
          enabled: false
      training:
        usesContent: false
      processors:
        - name: Pay Co
          kind: payment
          purpose: Payments.
          categories: [usage]
          country: DE
          transferMechanism: none
          baa: false
      transfers:
        mechanisms: []
      cookies:
        purposes: [Keep you signed in]
      jurisdictions:
        gdpr:
          name: GDPR
          respondWithin: P30D
          extendableBy: P0D
          rights: [access, erase]
      breach:
        regulatorHours: 48
      changes:
        channels: [email]
      promises: [P01, P02, P04, P07, P34]
      """;

  private CustomPolicy() {}

  static Policy load() {
    return PolicyLoader.parse(YAML, SOURCE);
  }

  /** The custom file with the first occurrence of {@code from} replaced; fails if it is not there. */
  static String with(String from, String to) {
    return replaced(YAML, from, to);
  }

  static String replaced(String yaml, String from, String to) {
    int at = yaml.indexOf(from);
    if (at < 0) {
      throw new IllegalArgumentException("not in the file: " + from);
    }
    return yaml.substring(0, at) + to + yaml.substring(at + from.length());
  }

  /** The number of the first line containing {@code text}. */
  static int line(String yaml, String text) {
    return yaml.substring(0, yaml.indexOf(text)).split("\n", -1).length;
  }

  /** "custom.yaml:LINE:COLUMN: " for where {@code token} starts on the first line containing {@code line}. */
  static String at(String yaml, String line, String token) {
    String[] lines = yaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(line)) {
        int column = lines[i].indexOf(token, lines[i].indexOf(line));
        if (column < 0) {
          throw new IllegalArgumentException(token + " is not on the line " + lines[i]);
        }
        return SOURCE + ":" + (i + 1) + ":" + (column + 1) + ": ";
      }
    }
    throw new IllegalArgumentException("no line contains " + line);
  }
}
